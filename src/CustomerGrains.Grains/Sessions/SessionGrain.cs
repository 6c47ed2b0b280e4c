using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Sessions;

/// <summary>
/// The signed-in sessions and open desktop feeds of one user (keyed by user id), for every silo: a session is valid only
/// while it is listed here, so signing out on one silo ends it on all of them at the next request. Sessions are durable
/// (a restarted cluster still knows which were closed); feeds are leases in memory, renewed by the connection that holds
/// them, so a feed on a silo that died stops counting when its lease runs out.
/// </summary>
[Alias("CustomerGrains.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Lists a new session that ends at <paramref name="expiresAt"/> at the latest.</summary>
    [Alias("Open")]
    Task OpenAsync(string sessionId, DateTimeOffset expiresAt);

    /// <summary>Whether the session is listed and has not reached its end.</summary>
    [Alias("IsOpen")]
    Task<bool> IsOpenAsync(string sessionId);

    /// <summary>Ends the session (sign-out, or found invalid); ending an unknown one does nothing.</summary>
    [Alias("Close")]
    Task CloseAsync(string sessionId);

    /// <summary>
    /// Takes or renews the lease of an open feed until now + <paramref name="lease"/>; false when the user already holds
    /// <paramref name="max"/> other live feeds (the feed is then not counted).
    /// </summary>
    [Alias("HoldFeed")]
    Task<bool> HoldFeedAsync(string feedId, int max, TimeSpan lease);

    /// <summary>Gives the feed's lease back (the connection closed).</summary>
    [Alias("ReleaseFeed")]
    Task ReleaseFeedAsync(string feedId);
}

/// <summary>The stored sessions of one user: session id and the latest moment it may be used.</summary>
[GenerateSerializer, Alias("CustomerGrains.SessionsState")]
public sealed class SessionsState
{
    [Id(0)]
    public Dictionary<string, DateTimeOffset> Open { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class SessionGrain(
    [PersistentState("sessions", CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<SessionsState> stored,
    TimeProvider time) : Grain, ISessionGrain
{
    /// <summary>The most sessions one user keeps; signing in again beyond it ends the one closest to its end.</summary>
    public const int MaxSessions = 20;

    private readonly Dictionary<string, DateTimeOffset> feeds = new(StringComparer.Ordinal);

    public async Task OpenAsync(string sessionId, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var open = stored.State.Open;
        DropEnded(open);
        while (open.Count >= MaxSessions)
        {
            open.Remove(open.MinBy(s => s.Value).Key);
        }
        open[sessionId] = expiresAt;
        await stored.WriteStateAsync();
    }

    public Task<bool> IsOpenAsync(string sessionId) =>
        Task.FromResult(stored.State.Open.TryGetValue(sessionId, out var end) && end > time.GetUtcNow());

    public async Task CloseAsync(string sessionId)
    {
        var open = stored.State.Open;
        var removed = open.Remove(sessionId);
        if (removed | DropEnded(open))
        {
            await stored.WriteStateAsync();
        }
    }

    public Task<bool> HoldFeedAsync(string feedId, int max, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(feedId);
        DropEnded(feeds);
        if (!feeds.ContainsKey(feedId) && feeds.Count >= max)
        {
            return Task.FromResult(false);
        }
        feeds[feedId] = time.GetUtcNow() + lease;
        return Task.FromResult(true);
    }

    public Task ReleaseFeedAsync(string feedId)
    {
        feeds.Remove(feedId);
        return Task.CompletedTask;
    }

    /// <summary>Removes the entries whose end has passed; whether there were any.</summary>
    private bool DropEnded(Dictionary<string, DateTimeOffset> entries)
    {
        var now = time.GetUtcNow();
        var ended = entries.Where(e => e.Value <= now).Select(e => e.Key).ToList();
        ended.ForEach(key => entries.Remove(key));
        return ended.Count > 0;
    }
}
