using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Grains.Customers;

/// <summary>Explanations and the timeline: the customer's log replayed with the engine's own rules.</summary>
internal sealed partial class CustomerGrain
{
    public async Task<Explanation?> ExplainAsync(ExplainQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = time.GetUtcNow();
        var at = query.AsOf ?? now;
        if (at > now)
        {
            throw new ArgumentOutOfRangeException(nameof(query), at,
                $"asOf {at:O} is in the future (now is {now:O}); an explanation is of what the engine says now or said before.");
        }
        // The channel is checked as a decision checks it; the moment is this query's own rule.
        var (context, current) = Read(new DecisionQuery { Channel = query.Channel, Reason = query.Reason });
        context = context with { Now = at };
        if (customer.AppliedEvents == 0)
        {
            return null;
        }
        var versions = CurrentVersions;
        if (query.AsOf is not null)
        {
            (current, versions) = await rulesHistory.AtAsync(at, CancellationToken.None);
        }
        if (customer.LastEventAt is not { } last || at >= last)
        {
            return current.Explain(customer, context) with { VersionsNote = versions };
        }
        var replayed = new CustomerState(customer.CustomerId);
        foreach (var (_, e) in await HistoryAsync())
        {
            if (e.OccurredAt <= at)
            {
                current.Apply(replayed, e, stageFailed ??= StageFailed);
            }
        }
        return replayed.AppliedEvents == 0
            ? null
            : current.Explain(replayed, context) with { Replayed = true, VersionsNote = versions };
    }

    public async Task<Timeline?> GetTimelineAsync(TimelineQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentOutOfRangeException(nameof(query), string.Join("; ", problems));
        }
        if (customer.AppliedEvents == 0)
        {
            return null;
        }
        return CustomerTimeline.Of(customer.CustomerId, await HistoryAsync(), rules.Current, time.GetUtcNow(), query.After, query.Limit,
            stageFailed ??= StageFailed);
    }

    private const string CurrentVersions = "current: the value model, population, policy and options in force now";

    /// <summary>The customer's readable events up to the last one applied, in the log's order (erased, quarantined and unreadable records left out).</summary>
    private async Task<List<LoggedEvent>> HistoryAsync()
    {
        var upTo = lastSequence;
        var records = await log.ReadCustomerAsync(customer.CustomerId, 0, CancellationToken.None);
        var events = new List<LoggedEvent>(records.Count);
        foreach (var record in records)
        {
            if (record.Sequence <= upTo && Readable(record) is { } e)
            {
                events.Add(new LoggedEvent(record.Sequence, e));
            }
        }
        return events;
    }
}
