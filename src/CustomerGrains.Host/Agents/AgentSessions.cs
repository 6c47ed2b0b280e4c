using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Sessions;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// Signed-in sessions held on the server: each session cookie names a session listed in the user's
/// <see cref="ISessionGrain"/>, so signing out ends it on every silo at its next request, a user removed or given
/// another role loses it at the next request, and no session outlives <see cref="AgentOptions.SessionAbsoluteLifetime"/>.
/// Open desktop feeds check the same every <see cref="AgentOptions.SessionCheckInterval"/>.
/// </summary>
public sealed class AgentSessions(IGrainFactory grains, AgentDirectory directory, IOptions<AgentOptions> options, TimeProvider time)
{
    /// <summary>The claim with the session's id.</summary>
    public const string SessionClaim = "sid";

    /// <summary>The claim with the moment of sign-in (Unix seconds).</summary>
    public const string SignedInAtClaim = "auth_time";

    private AgentOptions Options => options.Value;

    /// <summary>Lists a new session of <paramref name="user"/> and answers its principal.</summary>
    public async Task<ClaimsPrincipal> OpenAsync(AgentUser user, string scheme)
    {
        var sessionId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        await grains.Reference<ISessionGrain>(user.Id).OpenAsync(sessionId, now + Options.SessionAbsoluteLifetime);
        var principal = AgentAuthentication.PrincipalOf(user, scheme);
        ((ClaimsIdentity)principal.Identity!).AddClaims(
        [
            new Claim(SessionClaim, sessionId),
            new Claim(SignedInAtClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
        ]);
        return principal;
    }

    /// <summary>Why the caller may no longer act (signed out, removed, demoted, too old), or null when it may.</summary>
    public async Task<string?> WhyEndedAsync(ClaimsPrincipal principal)
    {
        var (id, role) = principal.Caller();
        var signedInAt = long.TryParse(principal.FindFirstValue(SignedInAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        if (SessionRules.WhyEnded(id, role, signedInAt, directory.FindById(id)?.Role, time.GetUtcNow(), Options.SessionAbsoluteLifetime) is { } why)
        {
            return why;
        }
        return principal.FindFirstValue(SessionClaim) is { } sessionId && !await grains.Reference<ISessionGrain>(id).IsOpenAsync(sessionId)
            ? "The session was ended (signed out)."
            : null;
    }

    /// <summary>Ends the caller's session, if it has one.</summary>
    public Task CloseAsync(ClaimsPrincipal principal) =>
        principal.FindFirstValue(SessionClaim) is { } sessionId
            ? grains.Reference<ISessionGrain>(principal.Caller().Id).CloseAsync(sessionId)
            : Task.CompletedTask;

    /// <summary>Takes or renews the lease of an open feed; false when the user has <see cref="AgentOptions.MaxFeedsPerUser"/> others.</summary>
    public Task<bool> HoldFeedAsync(string userId, string feedId) =>
        grains.Reference<ISessionGrain>(userId).HoldFeedAsync(feedId, Options.MaxFeedsPerUser, Options.SessionCheckInterval * 3);

    public Task ReleaseFeedAsync(string userId, string feedId) => grains.Reference<ISessionGrain>(userId).ReleaseFeedAsync(feedId);
}
