using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Decisions;

/// <summary>One event of a customer's log: its number in the customer's sequence and the event.</summary>
public sealed record LoggedEvent(long Sequence, InteractionEvent Event);

/// <summary>
/// A page of a customer's history: each event (in the log's order) with the changes of tier, stage, marketing mode and
/// selection quadrant it caused, and those that time alone caused since the event before it. <see cref="NextCursor"/> is
/// the <c>cursor</c> of the next page (null on the last); <see cref="SinceLastEvent"/>, on the last page, holds what time
/// alone changed from the last event to <see cref="AsOf"/>.
/// </summary>
public sealed record Timeline(
    string CustomerId,
    DateTimeOffset AsOf,
    string ModelVersion,
    string PopulationVersion,
    string PolicyVersion,
    int TotalEvents,
    IReadOnlyList<TimelineEntry> Events,
    long? NextCursor)
{
    /// <summary>What time alone changed after the last event, up to <see cref="AsOf"/>; empty on a page that is not the last.</summary>
    public IReadOnlyList<StateChange> SinceLastEvent { get; init; } = [];
}

/// <summary>
/// One event and what it did: <see cref="ByTime"/> the changes the time since the previous event caused (noticed at this
/// event's moment, before it applied), <see cref="ByEvent"/> those the event itself caused, <see cref="After"/> where the
/// customer stood after it.
/// </summary>
public sealed record TimelineEntry(
    long Sequence,
    string EventId,
    string Type,
    DateTimeOffset OccurredAt,
    IReadOnlyList<StateChange> ByTime,
    IReadOnlyList<StateChange> ByEvent,
    CustomerPosition After);

/// <summary>Where a customer stands: tier, stage, marketing mode and selection quadrant (wire names; null where not assessed).</summary>
public sealed record CustomerPosition(string? Tier, string? Stage, string? MarketingMode, string? SelectionQuadrant)
{
    public static CustomerPosition None { get; } = new(null, null, null, null);
}

/// <summary>A change of one <see cref="Aspect"/> (<c>tier</c>, <c>stage</c>, <c>marketingMode</c>, <c>selectionQuadrant</c>) with the rules behind the new value.</summary>
public sealed record StateChange(string Aspect, string? From, string? To, IReadOnlyList<Reason> Reasons);

/// <summary>
/// Replays a customer's log one event at a time, the way the engine applies it (<see cref="EngineRules.Apply"/>), and
/// reports per event the transitions it caused. Pure; the whole log is replayed for every page (the state of an event
/// depends on all before it), but only the page's events are assessed.
/// </summary>
public static class CustomerTimeline
{
    /// <summary>
    /// The page of at most <paramref name="limit"/> events after sequence number <paramref name="after"/> (0: from the start),
    /// assessed under <paramref name="rules"/>; <paramref name="now"/> is the moment the changes after the last event are seen at.
    /// </summary>
    public static Timeline Of(string customerId, IReadOnlyList<LoggedEvent> events, EngineRules rules, DateTimeOffset now, long after, int limit,
        Action<Exception> stageFailed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var state = new CustomerState(customerId);
        var entries = new List<TimelineEntry>(Math.Min(limit, events.Count));
        Evaluated? previous = null;
        DateTimeOffset moment = DateTimeOffset.MinValue;
        long? next = null;
        foreach (var (sequence, e) in events)
        {
            var at = e.OccurredAt > moment ? e.OccurredAt : moment;
            if (sequence <= after)
            {
                rules.Apply(state, e, stageFailed);
                moment = at;
                continue;
            }
            if (entries.Count == limit)
            {
                next = entries[^1].Sequence;
                break;
            }
            // The first event of a page compares with where the customer stood after the event before it.
            previous ??= state.AppliedEvents == 0 ? Evaluated.Nothing : Evaluate(rules, state, moment);
            var before = state.AppliedEvents == 0 ? Evaluated.Nothing : Evaluate(rules, state, at);
            rules.Apply(state, e, stageFailed);
            var afterEvent = Evaluate(rules, state, at);
            entries.Add(new TimelineEntry(sequence, e.EventId, e.TypeName, e.OccurredAt,
                Changes(previous, before), Changes(before, afterEvent), afterEvent.Position));
            previous = afterEvent;
            moment = at;
        }
        var sinceLast = next is null && previous is not null
            ? Changes(previous, Evaluate(rules, state, now > moment ? now : moment))
            : [];
        return new Timeline(customerId, now, rules.Scoring.ModelVersion, rules.Scoring.PopulationVersion, rules.Policy.Version,
            events.Count, entries, next)
        {
            SinceLastEvent = sinceLast,
        };
    }

    private static List<StateChange> Changes(Evaluated from, Evaluated to)
    {
        var changes = new List<StateChange>(0);
        Add(changes, "tier", from.Position.Tier, to.Position.Tier, to.TierWhy);
        Add(changes, "stage", from.Position.Stage, to.Position.Stage, to.StageWhy);
        Add(changes, "marketingMode", from.Position.MarketingMode, to.Position.MarketingMode, to.ModeWhy);
        Add(changes, "selectionQuadrant", from.Position.SelectionQuadrant, to.Position.SelectionQuadrant, to.QuadrantWhy);
        return changes;
    }

    private static void Add(List<StateChange> changes, string aspect, string? from, string? to, IReadOnlyList<Reason> why)
    {
        if (!string.Equals(from, to, StringComparison.Ordinal))
        {
            changes.Add(new StateChange(aspect, from, to, why));
        }
    }

    /// <summary>
    /// The customer's position as of <paramref name="at"/> with the rules behind each part; a part the models cannot
    /// assess for this customer is left null, as the live reads leave it out.
    /// </summary>
    private static Evaluated Evaluate(EngineRules rules, CustomerState state, DateTimeOffset at)
    {
        Assessment assessment;
        try
        {
            assessment = rules.Assess(state, at);
        }
        catch (Exception ex) when (EngineRules.IsModelFailure(ex))
        {
            return Evaluated.Nothing;
        }
        var (_, tierWhy) = rules.Scoring.Population.Tiers.Explain(assessment.Value.NetValue);
        Decision? decision = null;
        try
        {
            decision = rules.Decide(state, assessment, new DecisionContext(Channel.Phone, null, at));
        }
        catch (Exception ex) when (EngineRules.IsModelFailure(ex))
        {
            // Tier and stage stand without a decision (a policy that cannot serve the tier).
        }
        return new Evaluated(
            new CustomerPosition(assessment.ValueView.Tier, EnumNames.Of(assessment.Lifecycle.Stage),
                decision is null ? null : EnumNames.Of(decision.Marketing.Mode),
                decision is null ? null : EnumNames.Of(decision.Selection.Quadrant)),
            [tierWhy], assessment.Lifecycle.Reasons, decision?.Marketing.Reasons ?? [], decision?.Selection.Reasons ?? []);
    }

    private sealed record Evaluated(
        CustomerPosition Position, IReadOnlyList<Reason> TierWhy, IReadOnlyList<Reason> StageWhy, IReadOnlyList<Reason> ModeWhy, IReadOnlyList<Reason> QuadrantWhy)
    {
        public static Evaluated Nothing { get; } = new(CustomerPosition.None, [], [], [], []);
    }
}
