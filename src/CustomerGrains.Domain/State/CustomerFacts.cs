using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.State;

/// <summary>Purchases of one calendar day (UTC): the unit of "repeat purchase" in the value models.</summary>
public sealed record PurchaseDay(DateOnly Day, decimal Gross, decimal Returned, int Orders)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public decimal Net => Gross - Returned;
}

/// <summary>An order as far as returns need it: its day and how much of it has been refunded.</summary>
public sealed record OrderFact(DateOnly Day, decimal Amount, decimal Returned);

/// <summary>Contacts on one channel.</summary>
public sealed record ChannelContacts(int Count, long TotalSeconds, DateTimeOffset LastAt);

/// <summary>The customer's mood as noted by an agent at a contact.</summary>
public sealed record EmotionNote(Emotion Emotion, Channel Channel, DateTimeOffset At);

public sealed record OpenComplaint(string ComplaintId, ComplaintSeverity Severity, string? Category, DateTimeOffset OpenedAt);

public sealed record ResolvedComplaint(DateTimeOffset At, bool Satisfied);

/// <summary>The latest survey answer for one experience dimension.</summary>
public sealed record DimensionScore(double Expectation, double Experience, double Importance, DateTimeOffset At);

public sealed record NpsNote(int Score, DateTimeOffset At);

/// <summary>A stated preference ("seat: window"), where it came from and when.</summary>
public sealed record StatedPreference(string Value, string Source, DateTimeOffset At);

/// <summary>The consent statement in force for one channel and purpose.</summary>
public sealed record ConsentInForce(ConsentChannel Channel, ConsentPurpose Purpose, ConsentNote Note);

/// <summary>A consent statement: granted or withdrawn, when, and by which system.</summary>
public sealed record ConsentNote(bool Granted, DateTimeOffset At)
{
    /// <summary>The system that reported the statement (the profile change's source); null in snapshots from before it was kept.</summary>
    public string? Source { get; init; }
}

public sealed record CancellationNote(string? Reason, DateTimeOffset At);

/// <summary>A value that remembers when it was set, so an older event cannot overwrite a newer one.</summary>
public sealed record Stamped<T>(T Value, DateTimeOffset At);

/// <summary>
/// A score that halves every half-life: the value <see cref="Score"/> held at <see cref="At"/>, so its
/// value at any later moment is computed without touching the state. Additions from events older than
/// <see cref="At"/> are discounted to <see cref="At"/>, so the result does not depend on arrival order.
/// </summary>
public sealed record DecayingScore(double Score, DateTimeOffset At)
{
    /// <summary>The score as of <paramref name="now"/> (never grown: a moment before <see cref="At"/> reads the stored score).</summary>
    public double ValueAt(DateTimeOffset now, TimeSpan halfLife) =>
        now <= At ? Score : Score * Decay(now - At, halfLife);

    /// <summary>This score with <paramref name="weight"/> added at <paramref name="at"/>.</summary>
    public DecayingScore Add(double weight, DateTimeOffset at, TimeSpan halfLife) =>
        at >= At
            ? new DecayingScore(Score * Decay(at - At, halfLife) + weight, at)
            : new DecayingScore(Score + weight * Decay(At - at, halfLife), At);

    private static double Decay(TimeSpan elapsed, TimeSpan halfLife) =>
        Math.Pow(0.5, elapsed.TotalSeconds / halfLife.TotalSeconds);
}

/// <summary>A change of the customer's lifecycle stage: from where, to where, when it was noticed and why.</summary>
public sealed record StageTransition(Lifecycle.LifecycleStage? From, Lifecycle.LifecycleStage To, DateTimeOffset At, string Reason, bool WinBack);

/// <summary>One of the latest interactions: its id, type (wire name), event time and a one-line description.</summary>
public sealed record RecentInteraction(string EventId, string Type, DateTimeOffset At, string Summary);

/// <summary>
/// An offer made under a next best action and what became of it (the latest outcome by event time): when it was first
/// made, its outcome and when, and what an accepted offer cost.
/// </summary>
public sealed record OfferFact(Decisions.ActionKind Kind, string Action, DateTimeOffset OfferedAt, OfferOutcome Outcome, DateTimeOffset OutcomeAt, decimal Spend);
