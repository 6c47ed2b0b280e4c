namespace CustomerGrains.Grains.Sessions;

/// <summary>Whether a signed-in session or a key's caller may still act: the rule, apart from where its inputs come from.</summary>
public static class SessionRules
{
    /// <summary>
    /// Why the caller who signed in as <paramref name="id"/> in <paramref name="roleThen"/> at <paramref name="signedInAt"/>
    /// (null for a key, which has no sign-in) may no longer act, given the role the user has now
    /// (<paramref name="roleNow"/>, null when the user is no longer configured); null when the caller may.
    /// </summary>
    public static string? WhyEnded(
        string id, string roleThen, DateTimeOffset? signedInAt, string? roleNow, DateTimeOffset now, TimeSpan absoluteLifetime)
    {
        if (roleNow is null)
        {
            return $"The user {id} no longer exists.";
        }
        if (!string.Equals(roleNow, roleThen, StringComparison.Ordinal))
        {
            return $"The role of {id} changed from {roleThen} to {roleNow}: sign in again.";
        }
        if (signedInAt is { } start && now - start >= absoluteLifetime)
        {
            return $"The session reached its longest lifetime ({absoluteLifetime}): sign in again.";
        }
        return null;
    }
}
