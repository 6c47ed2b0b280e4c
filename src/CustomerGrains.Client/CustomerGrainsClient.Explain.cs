using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Client;

public partial interface ICustomerGrainsClient
{
    /// <summary>
    /// Why the engine says what it says of the customer (as <c>GET /api/customers/{id}/explain</c>): tier, stage, service,
    /// marketing mode, selection quadrant and each action with their inputs and rules, as of now or a past
    /// <paramref name="asOf"/> (the customer's log replayed up to it, under the versions stored by then). Null when no
    /// event of theirs had been applied by then. Throws <see cref="ArgumentException"/> for an unknown channel and
    /// <see cref="ArgumentOutOfRangeException"/> for a moment in the future.
    /// </summary>
    Task<Explanation?> ExplainAsync(string customerId, DateTimeOffset? asOf = null, string channel = "phone", string? reason = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the customer's timeline (as <c>GET /api/customers/{id}/timeline</c>): at most <paramref name="limit"/>
    /// events after the sequence number <paramref name="after"/> (the previous page's <see cref="Timeline.NextCursor"/>),
    /// each with the transitions it caused. Null for an unknown customer. Throws <see cref="ArgumentOutOfRangeException"/>
    /// for a negative cursor or a limit outside 1..<see cref="TimelineQuery.MaxLimit"/>.
    /// </summary>
    Task<Timeline?> GetTimelineAsync(string customerId, long after = 0, int limit = TimelineQuery.DefaultLimit, CancellationToken cancellationToken = default);
}

internal sealed partial class CustomerGrainsClient
{
    public Task<Explanation?> ExplainAsync(string customerId, DateTimeOffset? asOf = null, string channel = "phone", string? reason = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var query = new ExplainQuery { Channel = channel, Reason = reason, AsOf = asOf };
        return CallAsync(grains => ServiceApi(grains).ExplainAsync(customerId, query, serviceName), cancellationToken);
    }

    public Task<Timeline?> GetTimelineAsync(string customerId, long after = 0, int limit = TimelineQuery.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var query = new TimelineQuery { After = after, Limit = limit };
        if (query.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), string.Join("; ", problems));
        }
        return CallAsync(grains => ServiceApi(grains).GetTimelineAsync(customerId, query, serviceName), cancellationToken);
    }
}
