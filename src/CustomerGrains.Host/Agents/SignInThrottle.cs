using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// Limits sign-in attempts per user id and per client address (fixed windows of <see cref="SignInLimits"/>), with the
/// rate limiters ASP.NET Core's own middleware uses. An attempt over either limit is refused before its password is
/// hashed, so guessing costs the guesser time rather than the host CPU.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<Attempt> limiter;
    private readonly TimeSpan window;

    public SignInThrottle(IOptions<AgentOptions> options)
    {
        var limits = options.Value.SignIn;
        window = limits.Window;
        limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<Attempt, string>(a => Window("address:" + a.Address, limits.PerAddress)),
            PartitionedRateLimiter.Create<Attempt, string>(a => Window("user:" + a.UserId, limits.PerUser)));
    }

    /// <summary>Null when the attempt may go ahead; otherwise how long until the next one may.</summary>
    public TimeSpan? Refuse(IPAddress? address, string userId)
    {
        using var lease = limiter.AttemptAcquire(new Attempt(address?.ToString() ?? "", userId.ToUpperInvariant()));
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
    }

    public void Dispose() => limiter.Dispose();

    private RateLimitPartition<string> Window(string key, int permits) => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
        new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true });

    private readonly record struct Attempt(string Address, string UserId);
}
