using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.State;

/// <summary>
/// One subscription of a customer as its events tell it; the charge is in the base currency the start was converted to at ingest. <see cref="StartedAt"/> is the earliest start (null while only a
/// cancellation has arrived, events may come out of order); plan, charge and term are those of the newest start
/// (<see cref="PlanAt"/>); <see cref="CancelledAt"/> is the latest cancellation.
/// </summary>
public sealed record SubscriptionFact(
    string Plan, decimal MonthlyCharge, string? Currency, int ContractMonths, DateTimeOffset? StartedAt, DateTimeOffset? PlanAt,
    DateTimeOffset? CancelledAt, string? CancelReason)
{
    /// <summary>Whether the subscription runs at <paramref name="now"/>: started by then and not cancelled by then.</summary>
    public bool IsActive(DateTimeOffset now) => StartedAt is { } start && start <= now && !(CancelledAt is { } end && end <= now);
}

/// <summary>
/// A customer's contract as of a moment: the customer is contractual while a subscription runs. <see cref="TenureMonths"/>
/// counts whole months since the earliest running subscription started (each passed month is a renewal), the charges sum
/// the running subscriptions, and the term is the longest running one (1 = month-to-month).
/// </summary>
public sealed record ContractStatus(
    bool IsContractual, int TenureMonths, decimal MonthlyCharges, int ContractMonths, string? Plan, DateTimeOffset? Since, int Subscriptions)
{
    public static readonly ContractStatus None = new(false, 0, 0, 0, null, null, 0);
}

/// <summary>How subscription events change <see cref="CustomerState.Subscriptions"/>, and what they say as of a moment.</summary>
public static class SubscriptionFacts
{
    /// <summary>How many subscriptions a customer keeps; past it the earliest ended one is dropped.</summary>
    public const int Limit = 20;

    internal static void Apply(Dictionary<string, SubscriptionFact> subscriptions, SubscriptionStarted e)
    {
        var known = subscriptions.GetValueOrDefault(e.SubscriptionId);
        var newer = known?.PlanAt is not { } planAt || e.OccurredAt >= planAt;
        // Counted in the base currency the event was converted to at ingest (as given, for an event without a conversion).
        var charge = e.Conversion is { } conversion ? e.MonthlyCharge * conversion.Rate : e.MonthlyCharge;
        var currency = e.Conversion?.To ?? e.Currency;
        subscriptions[e.SubscriptionId] = known is null
            ? new SubscriptionFact(e.Plan, charge, currency, e.ContractMonths, e.OccurredAt, e.OccurredAt, null, null)
            : known with
            {
                StartedAt = known.StartedAt is { } start && start <= e.OccurredAt ? start : e.OccurredAt,
                Plan = newer ? e.Plan : known.Plan,
                MonthlyCharge = newer ? charge : known.MonthlyCharge,
                Currency = newer ? currency : known.Currency,
                ContractMonths = newer ? e.ContractMonths : known.ContractMonths,
                PlanAt = newer ? e.OccurredAt : known.PlanAt,
            };
        Trim(subscriptions);
    }

    internal static void Apply(Dictionary<string, SubscriptionFact> subscriptions, SubscriptionCancelled e)
    {
        var known = subscriptions.GetValueOrDefault(e.SubscriptionId)
                    ?? new SubscriptionFact("", 0, null, 1, null, null, null, null);
        if (known.CancelledAt is not { } at || e.OccurredAt > at)
        {
            subscriptions[e.SubscriptionId] = known with { CancelledAt = e.OccurredAt, CancelReason = e.Reason };
        }
        Trim(subscriptions);
    }

    private static void Trim(Dictionary<string, SubscriptionFact> subscriptions)
    {
        if (subscriptions.Count > Limit
            && subscriptions.Where(s => s.Value.CancelledAt is not null).MinBy(s => s.Value.CancelledAt) is { Key: { } ended })
        {
            subscriptions.Remove(ended);
        }
    }

    /// <summary>The contract as of <paramref name="now"/>: <see cref="ContractStatus.None"/> when no subscription runs.</summary>
    public static ContractStatus StatusAt(IReadOnlyDictionary<string, SubscriptionFact> subscriptions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        if (subscriptions.Count == 0)
        {
            // Most customers: nothing to allocate on the scoring path of every read.
            return ContractStatus.None;
        }
        var running = subscriptions.Values.Where(s => s.IsActive(now)).ToList();
        if (running.Count == 0)
        {
            return ContractStatus.None;
        }
        var first = running.MinBy(s => s.StartedAt)!;
        var longest = running.MaxBy(s => s.ContractMonths)!;
        return new ContractStatus(
            true, WholeMonths(first.StartedAt!.Value, now), running.Sum(s => s.MonthlyCharge), longest.ContractMonths, longest.Plan,
            first.StartedAt, running.Count);
    }

    /// <summary>The subscription cancelled last by <paramref name="now"/>; null when none was cancelled by then.</summary>
    public static SubscriptionFact? LastEnded(IReadOnlyDictionary<string, SubscriptionFact> subscriptions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        if (subscriptions.Count == 0)
        {
            // Most customers: no enumerator on the lifecycle's path of every read.
            return null;
        }
        SubscriptionFact? last = null;
        foreach (var subscription in subscriptions.Values)
        {
            if (subscription.CancelledAt is { } at && at <= now && !(last?.CancelledAt >= at))
            {
                last = subscription;
            }
        }
        return last;
    }

    /// <summary>Whole calendar months from <paramref name="from"/> to <paramref name="to"/> (0 when less than one).</summary>
    public static int WholeMonths(DateTimeOffset from, DateTimeOffset to)
    {
        var a = from.UtcDateTime;
        var b = to.UtcDateTime;
        var months = ((b.Year - a.Year) * 12) + b.Month - a.Month;
        if (months > 0 && a.AddMonths(months) > b)
        {
            months--;
        }
        return Math.Max(months, 0);
    }
}
