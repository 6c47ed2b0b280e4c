using CustomerGrains.Domain.Decisions;
using Orleans.Concurrency;

namespace CustomerGrains.Abstractions;

/// <summary>
/// One customer, keyed by the customer id. It is fed by the interaction log (never written to
/// directly) and answers reads from memory; time-dependent figures are computed for the moment asked.
/// </summary>
[Alias("CustomerGrains.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The customer as of now, or as of <paramref name="asOf"/> when given (a later moment, for what-if
    /// questions). Null when no event of this customer has been applied. Throws <see cref="ArgumentOutOfRangeException"/>
    /// when <paramref name="asOf"/> lies before the customer's last applied event (figures are not computed for the past).
    /// </summary>
    [ReadOnly]
    [Alias("GetSnapshot")]
    Task<CustomerSnapshot?> GetSnapshotAsync(DateTimeOffset? asOf = null);

    /// <summary>
    /// The tiered service decision for a contact (channel, reason) as of now or <see cref="DecisionQuery.AsOf"/>,
    /// under the policy in force or the candidate in <see cref="DecisionQuery.CandidatePolicy"/>.
    /// Null when no event of this customer has been applied. Throws <see cref="ArgumentException"/> for an unknown
    /// channel or an <see cref="DecisionQuery.AsOf"/> before the customer's last applied event.
    /// </summary>
    [ReadOnly]
    [Alias("GetDecision")]
    Task<Decision?> GetDecisionAsync(DecisionQuery query);

    /// <summary>
    /// The snapshot and the decision for <paramref name="query"/> in one call, as of now: what a screen-pop shows.
    /// Null when no event of this customer has been applied.
    /// </summary>
    [ReadOnly]
    [Alias("GetCard")]
    Task<CustomerCard?> GetCardAsync(DecisionQuery query);

    /// <summary>
    /// The compact card for a phone call from <paramref name="e164"/>: null when no event of this customer has been
    /// applied or the customer's profile no longer lists that number (the phone directory may be a moment behind).
    /// The card is computed once per state, rules and time boundary and then served from memory.
    /// </summary>
    [ReadOnly]
    [Alias("GetScreenPopCard")]
    Task<ScreenPopCard?> GetScreenPopCardAsync(string e164);

    /// <summary>
    /// Why the engine says what it says of the customer (tier, stage, service, marketing mode, selection quadrant, each
    /// action): the inputs and the rule of each, as of now or a past <see cref="ExplainQuery.AsOf"/>. A past moment before
    /// the customer's latest event is answered by replaying the customer's log up to it (events that occurred by then).
    /// Null when no event of this customer had been applied by that moment. Throws <see cref="ArgumentException"/> for an
    /// unknown channel and <see cref="ArgumentOutOfRangeException"/> for a moment in the future.
    /// </summary>
    [ReadOnly]
    [Alias("Explain")]
    Task<Explanation?> ExplainAsync(ExplainQuery query);

    /// <summary>
    /// A page of the customer's history: the events in log order, each with the tier, stage, marketing mode and selection
    /// quadrant changes it caused (and those time alone caused before it). Null when no event of this customer has been
    /// applied. Throws <see cref="ArgumentOutOfRangeException"/> for a negative cursor or a limit outside 1..<see cref="TimelineQuery.MaxLimit"/>.
    /// </summary>
    [ReadOnly]
    [Alias("GetTimeline")]
    Task<Timeline?> GetTimelineAsync(TimelineQuery query);

    /// <summary>
    /// Tells <paramref name="agentId"/>'s agent grain of every change to this customer for <paramref name="duration"/>
    /// (while the customer is on the agent's call); the customer stays in memory that long.
    /// </summary>
    [Alias("Watch")]
    Task WatchAsync(string agentId, TimeSpan duration);

    /// <summary>
    /// Re-evaluates the lifecycle stage as of now and records a change that time alone caused (raising an
    /// alert); called by the lifecycle sweep. Returns the stage in force afterwards.
    /// </summary>
    [Alias("Review")]
    Task<string?> ReviewAsync();

    /// <summary>
    /// Links the customer's numbers in the phone book now (an activation does it too) and fails when the book could not
    /// be written; called when the phone book is rebuilt.
    /// </summary>
    [Alias("LinkPhones")]
    Task LinkPhonesAsync();

    /// <summary>
    /// Erases the customer: the customer's events in the log become tombstones, the phone book forgets the customer's
    /// numbers, the stored snapshot and the read model row are replaced by an empty customer, and this activation resets
    /// and deactivates. Events appended later start a new, empty customer. Idempotent.
    /// </summary>
    [Alias("Erase")]
    Task<CustomerErasure> EraseAsync();

    /// <summary>
    /// After retention shredded some of the customer's events in the log (their new payloads, as logged): the customer's
    /// recent interactions read as what is left of them, and the snapshot is written at once. No figure of the customer changes.
    /// </summary>
    [Alias("Redescribe")]
    Task RedescribeAsync(IReadOnlyList<string> shreddedPayloads);
}

/// <summary>What an erasure did: when, the customer's last sequence number in the log (0: the customer never had an event), the events erased now and the numbers unlinked.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerErasure")]
public sealed record CustomerErasure(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] DateTimeOffset ErasedAt,
    [property: Id(2)] long LastSequence,
    [property: Id(3)] int ErasedEvents,
    [property: Id(4)] int UnlinkedPhones);

/// <summary>What a decision is asked for: the contact's channel (camelCase, e.g. <c>phone</c>) and reason, and optionally a later moment or a candidate policy.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.DecisionQuery")]
public sealed record DecisionQuery
{
    /// <summary>The contact channel: phone, email, chat, store, web or app.</summary>
    [Id(0)] public required string Channel { get; init; }
    /// <summary>Why the customer is in contact (free text, e.g. billing, cancel).</summary>
    [Id(1)] public string? Reason { get; init; }
    /// <summary>Decide as of this later moment instead of now.</summary>
    [Id(2)] public DateTimeOffset? AsOf { get; init; }
    /// <summary>Decide under this policy instead of the one in force, without installing it.</summary>
    [Id(3)] public Policy? CandidatePolicy { get; init; }
}

/// <summary>What an explanation is asked for: the contact's channel (default phone) and reason, and optionally a past moment.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ExplainQuery")]
public sealed record ExplainQuery
{
    /// <summary>The contact channel: phone, email, chat, store, web or app.</summary>
    [Id(0)] public string Channel { get; init; } = "phone";
    /// <summary>Why the customer is in contact (free text).</summary>
    [Id(1)] public string? Reason { get; init; }
    /// <summary>Explain as of this moment (not later than now) instead of now.</summary>
    [Id(2)] public DateTimeOffset? AsOf { get; init; }
}

/// <summary>Which page of a customer's timeline: the events after sequence number <see cref="After"/>, at most <see cref="Limit"/>.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.TimelineQuery")]
public sealed record TimelineQuery
{
    /// <summary>The most events one page holds.</summary>
    public const int MaxLimit = 500;

    /// <summary>The events one page holds unless asked otherwise.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The cursor: the sequence number of the last event already seen (0 for the first page).</summary>
    [Id(0)] public long After { get; init; }
    /// <summary>At most this many events (1..<see cref="MaxLimit"/>).</summary>
    [Id(1)] public int Limit { get; init; } = DefaultLimit;

    /// <summary>What is wrong with this query (<c>field: message</c>), empty when it is valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(2);
        if (After < 0)
        {
            problems.Add($"cursor: {After} is negative; it is the sequence number of the last event seen (0 for the first page)");
        }
        if (Limit is < 1 or > MaxLimit)
        {
            problems.Add($"limit: {Limit} is outside 1..{MaxLimit}");
        }
        return problems;
    }
}
