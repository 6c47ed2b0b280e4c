using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Agents;

/// <summary>The people and systems that may use the API (configuration section <c>Agents</c>).</summary>
public sealed class AgentOptions : ISelfValidatingOptions
{
    public const string Section = "Agents";

    /// <summary>
    /// Agents, supervisors, telephony systems, backend services and administrators by id
    /// (<c>Agents:Users:agent1:Role</c>), each with a password hash, a key hash or both. Keyed by id rather than listed,
    /// so a configuration layer (an environment variable, a file for Production) replaces or adds exactly the user it
    /// names, never whichever user happened to sit at the same position of a list.
    /// </summary>
    public Dictionary<string, AgentUser> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a signed-in session lasts without activity. Default 8 hours (a shift).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a session lasts at most from its sign-in, however active. Default 12 hours.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How often an open desktop feed checks that its session still holds (signed out elsewhere, user removed or
    /// demoted, absolute lifetime reached); the feed ends within this time. Default 5 seconds.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most desktop feeds one user may have open at once, across the cluster. Default 4.</summary>
    public int MaxFeedsPerUser { get; set; } = 4;

    /// <summary>Sign-in attempts allowed per user id and per client address.</summary>
    public SignInLimits SignIn { get; set; } = new();

    /// <summary>Gives every user the id it is configured under.</summary>
    internal void AssignIds()
    {
        foreach (var (id, user) in Users)
        {
            user.Id = id;
        }
    }

    public IEnumerable<string> Validate()
    {
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(7))
        {
            yield return $"{nameof(SessionLifetime)} must be between 1 minute and 7 days (was {SessionLifetime})";
        }
        if (SessionAbsoluteLifetime < SessionLifetime || SessionAbsoluteLifetime > TimeSpan.FromDays(30))
        {
            yield return $"{nameof(SessionAbsoluteLifetime)} must be between {nameof(SessionLifetime)} ({SessionLifetime}) and 30 days (was {SessionAbsoluteLifetime})";
        }
        if (SessionCheckInterval < TimeSpan.FromSeconds(1) || SessionCheckInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(SessionCheckInterval)} must be between 1 second and 1 minute (was {SessionCheckInterval})";
        }
        if (MaxFeedsPerUser is < 1 or > 100)
        {
            yield return $"{nameof(MaxFeedsPerUser)} must be between 1 and 100 (was {MaxFeedsPerUser})";
        }
        foreach (var problem in SignIn.Validate())
        {
            yield return $"{nameof(SignIn)}:{problem}";
        }
        foreach (var (id, u) in Users)
        {
            var at = $"Users:{id}";
            if (id.All(char.IsAsciiDigit))
            {
                yield return $"{at}: users are configured by id (Agents:Users:agent1:Role=agent), not by list position; '{id}' looks like a position";
            }
            if (!Roles.IsKnown(u.Role))
            {
                yield return $"{at}:Role '{u.Role}' is not one of {string.Join(", ", Roles.All)}";
            }
            if (u.PasswordHash is null && u.KeyHash is null)
            {
                yield return $"{at}: needs a PasswordHash or a KeyHash to sign in with";
            }
            if (u.PasswordHash is { } password && Secrets.PasswordHashProblem(password) is { } passwordProblem)
            {
                yield return $"{at}:PasswordHash {passwordProblem}";
            }
            if (u.KeyHash is { } key && Secrets.KeyHashProblem(key) is { } keyProblem)
            {
                yield return $"{at}:KeyHash {keyProblem}";
            }
            foreach (var problem in ScopeProblems(u))
            {
                yield return $"{at}:Scopes {problem}";
            }
        }
    }

    private static IEnumerable<string> ScopeProblems(AgentUser user)
    {
        var scopes = user.ScopeList;
        if (scopes.Count > 0 && user.Role != Roles.Service)
        {
            yield return $"are only for the role {Roles.Service} (this user is {user.Role})";
        }
        foreach (var scope in scopes.Where(s => !Scopes.All.Contains(s)))
        {
            yield return $"'{scope}' is not one of {string.Join(", ", Scopes.All)}";
        }
    }
}
