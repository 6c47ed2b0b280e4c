using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;

namespace CustomerGrains.Domain.Decisions;

public enum ActionKind { Retention, CrossSell, WinBack, Care, Birthday }

/// <summary>The purpose an action approaches the customer for: care gifts and greetings are care, the rest are offers.</summary>
public static class ActionPurposes
{
    public static Events.ConsentPurpose PurposeOf(this ActionKind kind) =>
        kind is ActionKind.Care or ActionKind.Birthday ? Events.ConsentPurpose.Care : Events.ConsentPurpose.Offers;
}

/// <summary>The value x individuality matrix: customised (high, high), frequency marketing (high, low), mass marketing (low, low), abandon (low, high).</summary>
public enum MarketingMode { Customised, Frequency, Mass, Abandon }

/// <summary>The value x capability-match matrix: focus (high, good), opportunistic (high, poor), passive (low, good), abandon (low, poor).</summary>
public enum SelectionQuadrant { Focus, Opportunistic, Passive, Abandon }

/// <summary>
/// What to do for a customer now, and why: the service the tier earns, how to treat the customer
/// (recovery script, apology, compensation), the next best actions that the customer's consent allows
/// (and those withheld for lack of it), and where the customer sits in the two marketing matrices.
/// Every part lists the rules that fired; <see cref="PolicyVersion"/> names the policy that held them.
/// </summary>
public sealed record Decision(
    string CustomerId,
    DateTimeOffset At,
    string PolicyVersion,
    LifecycleStage Stage,
    ServiceDecision Service,
    Treatment Treatment,
    IReadOnlyList<NextAction> Actions,
    IReadOnlyList<WithheldAction> Withheld,
    MarketingDecision Marketing,
    SelectionDecision Selection)
{
    /// <summary>Actions the rules called for but the policy holds back for now (the matrices, a spent budget, too soon since the last offer); the reasons say which.</summary>
    public IReadOnlyList<WithheldAction> HeldBack { get; init; } = [];

    /// <summary>The channel of the contact the decision is for: the policy's channel rules may change the service level, priority and actions.</summary>
    public Channel Channel { get; init; } = Channel.Phone;
}

/// <summary>The tier's service: its display name, service level and routing priority (1 is served first; raised by mood and open complaints).</summary>
public sealed record ServiceDecision(string Tier, string TierName, string ServiceLevel, int RoutingPriority, IReadOnlyList<Reason> Reasons);

/// <summary>
/// How to treat the customer in this contact: the recovery script for the mood at the last contact (while
/// it is recent and not resolved since), and for open complaints an apology and whether compensation may be
/// offered, up to <see cref="CompensationLimit"/>.
/// </summary>
public sealed record Treatment(string? RecoveryScript, Emotion? Emotion, bool Apologise, bool CompensationEligible, decimal CompensationLimit, IReadOnlyList<Reason> Reasons)
{
    /// <summary>Firm measures, by the policy: compensation only as the complaint rules grant it, never escalated.</summary>
    public bool Firm { get; init; }

    /// <summary>The agent informs a supervisor of this contact.</summary>
    public bool InformSupervisor { get; init; }

    /// <summary>The complaint patterns the engine found itself (<c>repeatedCompensation</c>, <c>complaintRateAbovePeers</c>), whatever mood was noted.</summary>
    public IReadOnlyList<string> Patterns { get; init; } = [];
}

/// <summary>
/// A next best action: what to do, on which channel (the customer consented to it), within which budget (for care and
/// birthdays what is left of the period's budget after accepted offers); <see cref="Category"/> for cross-selling.
/// </summary>
public sealed record NextAction(ActionKind Kind, string Action, ConsentChannel Channel, decimal Budget, string? Category, IReadOnlyList<Reason> Reasons)
{
    /// <summary>Made for this customer's own needs rather than a campaign's (the marketing matrices say so for high individuality or focus).</summary>
    public bool Personalised { get; init; }

    /// <summary>The occasion the action is for: the holiday's name (from the policy's calendar) or <c>birthday</c>; null for none.</summary>
    public string? Occasion { get; init; }
}

/// <summary>An action the rules called for but the customer's consent, the contact's channel, the matrices or the budget does not allow; the reasons say which.</summary>
public sealed record WithheldAction(ActionKind Kind, string Action, ConsentChannel Channel, string? Category, IReadOnlyList<Reason> Reasons);

public sealed record MarketingDecision(MarketingMode Mode, IReadOnlyList<Reason> Reasons);

/// <summary>The selection quadrant and the capability match it rests on (0..1: how much of the customer's interest and channel use the company serves well).</summary>
public sealed record SelectionDecision(SelectionQuadrant Quadrant, double CapabilityMatch, IReadOnlyList<Reason> Reasons);
