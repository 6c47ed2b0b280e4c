using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Decisions;

/// <summary>
/// Why the engine says what it says of a customer at one moment: for the tier, the stage, the service, the marketing mode,
/// the selection quadrant and each action, the inputs it was computed from and the rule that produced it. Every part is
/// taken from the same assessment and decision the engine answers with (<see cref="EngineRules.Explain"/>), never computed
/// a second way.
/// </summary>
public sealed record Explanation(
    string CustomerId,
    DateTimeOffset AsOf,
    string ModelVersion,
    string PopulationVersion,
    string PolicyVersion,
    TierExplanation Tier,
    StageExplanation Stage,
    ServiceDecision Service,
    MarketingExplanation Marketing,
    SelectionExplanation Selection,
    IReadOnlyList<ActionExplanation> Actions)
{
    /// <summary>Whether the customer was rebuilt from the log up to <see cref="AsOf"/> (a moment before the latest event) rather than read live.</summary>
    public bool Replayed { get; init; }

    /// <summary>How many of the customer's events the state explained holds (those that occurred by <see cref="AsOf"/>).</summary>
    public int EventsApplied { get; init; }

    /// <summary>
    /// Where the model, population and policy versions come from: <c>inForceAtAsOf</c> (the stored versions that were the
    /// newest at <see cref="AsOf"/>) or <c>current</c> (those in force now), and for which parts.
    /// </summary>
    public string? VersionsNote { get; init; }

    /// <summary>The subscriber's contract value (sBG renewal probability, DERL, churn risk) the decision read; null for a customer without a running subscription.</summary>
    public ContractValue? Contract { get; init; }
}

/// <summary>
/// The tier and what placed the customer in it: the net value (CLV less expected cost to serve, with their parts), its
/// percentile, and the population's cut points under the population version named in <see cref="CutPoints"/>. <see cref="Rule"/> is the tier rule
/// (<c>tier.A</c>..<c>tier.D</c>, <c>tier.uncalibrated</c>).
/// </summary>
public sealed record TierExplanation(
    string Tier,
    string? TierName,
    string Rule,
    double NetValue,
    double? NetValuePercentile,
    TierCutPoints CutPoints,
    ClvParts Clv,
    CostToServeParts CostToServe,
    IReadOnlyList<Reason> Reasons);

/// <summary>
/// The net values the tiers are cut at: A above <see cref="AAbove"/> (the 80th percentile), B above <see cref="BAbove"/>
/// (the 50th), D below 0, C the rest. Null cut points: no population measured yet.
/// </summary>
public sealed record TierCutPoints(bool Calibrated, double? AAbove, double? BAbove, double DBelow, string PopulationVersion, int PopulationCustomers);

/// <summary>
/// CLV = <see cref="Margin"/> · <see cref="ExpectedSpend"/> · <see cref="DiscountedPurchases"/> (BG/NBD expected purchases per
/// month over <see cref="HorizonMonths"/> months, discounted at <see cref="AnnualDiscountRate"/>), from the customer's repeat
/// purchases x, the time of the last (t_x) and of the first purchase, under model <see cref="ModelVersion"/>.
/// </summary>
public sealed record ClvParts(
    double Clv,
    double Margin,
    double ExpectedSpend,
    double DiscountedPurchases,
    int HorizonMonths,
    double AnnualDiscountRate,
    double PAlive,
    double ExpectedPurchases,
    double HorizonWeeks,
    int RepeatPurchases,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastRepeatPurchaseAt,
    double? RepeatNetSpendMean,
    string ModelVersion)
{
    /// <summary>
    /// The intervals of <see cref="Clv"/> and <see cref="ExpectedPurchases"/> from the uncertainty of the fitted parameters
    /// (<see cref="ValueConfidence"/>); null when the model version stores none.
    /// </summary>
    public ValueIntervals? Intervals { get; init; }
}

/// <summary>The expected cost to serve over the horizon, extrapolated from what serving the customer has cost so far (<see cref="SoFar"/>) and its parts.</summary>
public sealed record CostToServeParts(
    double Expected,
    double SoFar,
    double CallMinutes,
    double CostPerCallMinute,
    int Complaints,
    double CostPerComplaint,
    int Returns,
    double CostPerReturn);

/// <summary>The lifecycle stage, the rules that placed the customer there (most decisive first, <see cref="Rule"/>), and the figures and dates they read.</summary>
public sealed record StageExplanation(
    LifecycleStage Stage,
    string Rule,
    DateTimeOffset Since,
    LifecycleStage? RecordedStage,
    bool WinBack,
    IReadOnlyList<Reason> Reasons,
    double PAlive,
    double? DaysSinceLastPurchase,
    int RepeatPurchases,
    int LongestGapDays,
    bool WithinOwnRhythm,
    StageDates Dates,
    StageThresholds Thresholds);

/// <summary>The dates the lifecycle rules read.</summary>
public sealed record StageDates(
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt,
    DateTimeOffset? EpisodeStartedAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? OldestOpenComplaintAt,
    DateTimeOffset NextReviewAt);

/// <summary>The lifecycle options the rules compared with.</summary>
public sealed record StageThresholds(
    double ChurnPAlive,
    double DeclinePAlive,
    double StabilityPAlive,
    double StabilityTenureDays,
    int StabilityMinRepeatPurchases,
    double UnresolvedComplaintDays);

/// <summary>
/// The marketing mode (value x individuality) and its inputs: the net value percentile against the policy's high-value
/// mark, and the individuality (distance of the need traits to the tier segment's average) against the high-individuality mark.
/// </summary>
public sealed record MarketingExplanation(
    MarketingMode Mode,
    string Rule,
    IReadOnlyList<Reason> Reasons,
    double? NetValuePercentile,
    double HighValuePercentile,
    decimal? UncalibratedHighNetValue,
    double? Individuality,
    double HighIndividuality,
    string? Segment,
    IReadOnlyDictionary<string, double> Traits,
    IReadOnlyDictionary<string, double>? SegmentTraits);

/// <summary>
/// The selection quadrant (value x capability match) and its inputs: the customer's category interest (each marked served
/// when the policy lists the category) and channel use, the channels the company serves well, and the good-match mark.
/// </summary>
public sealed record SelectionExplanation(
    SelectionQuadrant Quadrant,
    string Rule,
    IReadOnlyList<Reason> Reasons,
    double CapabilityMatch,
    double GoodMatch,
    IReadOnlyList<CategoryNeed> Categories,
    IReadOnlyDictionary<Channel, double> ChannelShares,
    ImmutableArray<Channel> ServedChannels);

/// <summary>One category of the customer's interest, its share, and whether the company serves it well.</summary>
public sealed record CategoryNeed(string Category, double Share, bool Served);

/// <summary>
/// One action the rules called for, whether it is <c>offered</c>, <c>withheld</c> (consent, channel) or <c>heldBack</c>
/// (matrices, budget), with the rules that fired (<see cref="Rule"/> the one that called for it).
/// </summary>
public sealed record ActionExplanation(string Status, ActionKind Kind, string Action, string Rule, ConsentChannel Channel, string? Category, decimal? Budget, IReadOnlyList<Reason> Reasons);

/// <summary>Builds an <see cref="Explanation"/> from an assessment and the decision made from it.</summary>
internal static class Explanations
{
    public static Explanation Of(EngineRules rules, CustomerState state, Assessment assessment, Decision decision)
    {
        var value = assessment.Value;
        var tierName = assessment.ValueView.Tier;
        return new Explanation(
            state.CustomerId,
            decision.At,
            rules.Scoring.ModelVersion,
            rules.Scoring.PopulationVersion,
            rules.Policy.Version,
            Tier(rules, state, value, tierName, decision.At, assessment.ValueView.Contract),
            Stage(state, assessment.Lifecycle, rules.Lifecycle),
            decision.Service,
            Marketing(rules, assessment, decision.Marketing, tierName),
            Selection(rules.Policy.Capabilities, assessment, decision.Selection),
            Actions(decision))
        {
            EventsApplied = state.AppliedEvents,
            Contract = assessment.ValueView.Contract,
        };
    }

    private static TierExplanation Tier(EngineRules rules, CustomerState state, ValueScore value, string tierName, DateTimeOffset assessmentAt, ContractValue? contract)
    {
        var scoring = rules.Scoring;
        var population = scoring.Population;
        var options = scoring.Model.Options;
        var cuts = population.Tiers;
        var inputs = CustomerValueInputs.Of(state);
        var (_, rule) = cuts.Explain(value.NetValue);
        var soFar = ValueScorer.ServiceCostToDate(inputs, options);
        var clv = new ClvParts(value.Clv, options.Margin, value.ExpectedSpend, value.DiscountedPurchases, options.ClvHorizonMonths,
            options.AnnualDiscountRate, value.PAlive, value.ExpectedPurchases, options.HorizonWeeks, inputs.RepeatPurchaseCount,
            inputs.FirstPurchaseAt, inputs.LastRepeatPurchaseAt,
            inputs.RepeatSpendCount > 0 ? inputs.RepeatNetSpendSum / inputs.RepeatSpendCount : null, scoring.ModelVersion)
        {
            Intervals = scoring.Intervals(state, assessmentAt, value),
        };
        var cost = new CostToServeParts(value.CostToServe, soFar, inputs.CallMinutes, options.CostPerCallMinute, inputs.ComplaintCount,
            options.CostPerComplaint, inputs.ReturnCount, options.CostPerReturn);
        var reasons = new List<Reason>(5)
        {
            rule,
            new("value.netValue", $"net value {Money(value.NetValue)} = CLV {Money(value.Clv)} - expected cost to serve {Money(value.CostToServe)}"),
            inputs.FirstPurchaseAt is null
                ? new Reason("value.clv.prospect", "no purchase yet: no CLV (the BG/NBD starts at the first purchase)")
                : new Reason("value.clv",
                    $"CLV = margin {Formats.Number(options.Margin, "0.00")} x expected spend {Money(value.ExpectedSpend)} per purchase x {Formats.Number(value.DiscountedPurchases, "0.00")} discounted expected purchases over {options.ClvHorizonMonths} months at {Formats.Number(options.AnnualDiscountRate, "P0")} a year; P(alive) {Formats.Number(value.PAlive, "0.00")} after {inputs.RepeatPurchaseCount} repeat purchase(s) (model {scoring.ModelVersion})"),
            new("value.costToServe", soFar == 0
                ? "no service cost so far: no expected cost to serve"
                : $"expected cost to serve {Money(value.CostToServe)} over the horizon, from {Money(soFar)} so far ({Formats.Number(inputs.CallMinutes, "0.0")} call minutes at {Money(options.CostPerCallMinute)}, {inputs.ComplaintCount} complaint(s) at {Money(options.CostPerComplaint)}, {inputs.ReturnCount} return(s) at {Money(options.CostPerReturn)})"),
        };
        if (inputs.FirstPurchaseAt is not null)
        {
            reasons.Add(IntervalReason(clv, options, scoring.ModelVersion));
        }

        if (contract is not null)
        {
            reasons.Add(new Reason("value.contract",
                $"subscriber: CLV includes the contract's residual value {Money(contract.ResidualValue)} = margin {Formats.Number(options.Margin, "0.00")} x {Formats.Money(contract.MonthlyCharges)} a month x DERL {Formats.Number(contract.DerlMonths, "0.0")} months (sBG, {contract.TenureMonths} renewal(s), renews this month with probability {Formats.Number(contract.RenewalProbability, "P1")}); churn risk {Formats.Number(contract.ChurnRisk, "P0")}"));
        }
        return new TierExplanation(
            tierName,
            rules.Policy.Tiers.TryGetValue(tierName, out var policyTier) ? policyTier.DisplayName : null,
            rule.Rule,
            value.NetValue,
            population.PercentileOf(value.NetValue),
            new TierCutPoints(cuts.IsCalibrated, cuts.IsCalibrated ? cuts.TopThreshold : null, cuts.IsCalibrated ? cuts.MiddleThreshold : null, 0,
                scoring.PopulationVersion, population.Customers),
            clv,
            cost,
            reasons);
    }

    /// <summary>How sure the CLV is: its interval, or why there is none.</summary>
    private static Reason IntervalReason(ClvParts clv, ValueModelOptions options, string modelVersion) => clv.Intervals is { } i
        ? new("value.clv.interval",
            $"{Formats.Number(i.Level * 100, "0")}% interval from the uncertainty of model {modelVersion}'s fitted parameters: CLV {Money(i.Clv.Low)} to {Money(i.Clv.High)}, " +
            $"expected purchases in {Formats.Number(options.HorizonWeeks, "0.#")} weeks {Formats.Number(i.ExpectedPurchases.Low, "0.00")} to {Formats.Number(i.ExpectedPurchases.High, "0.00")}")
        : new("value.clv.noInterval",
            $"no interval: model {modelVersion} stores no parameter uncertainty (the default model, or fitted before fit measured it); run fit to get one");

    private static StageExplanation Stage(CustomerState state, LifecycleView lifecycle, LifecycleOptions options)
    {
        DateTimeOffset? oldestComplaint = state.OpenComplaints.Count == 0 ? null : state.OpenComplaints.Values.Min(c => c.OpenedAt);
        return new StageExplanation(
            lifecycle.Stage,
            lifecycle.Reasons.Count > 0 ? lifecycle.Reasons[0].Rule : "lifecycle." + EnumNames.Of(lifecycle.Stage),
            lifecycle.Since,
            lifecycle.RecordedStage,
            lifecycle.IsWinBack,
            lifecycle.Reasons,
            lifecycle.PAlive,
            lifecycle.DaysSinceLastPurchase,
            Math.Max(0, state.PurchaseDays.Count - 1),
            state.LongestPurchaseGapDays,
            lifecycle.WithinOwnRhythm,
            new StageDates(state.FirstPurchaseAt, state.LastPurchaseAt, lifecycle.EpisodeStartedAt ?? state.EpisodeStartedAt, state.Cancellation?.At,
                oldestComplaint, lifecycle.NextReviewAt),
            new StageThresholds(options.ChurnPAlive, options.DeclinePAlive, options.StabilityPAlive, options.StabilityTenure.TotalDays,
                options.StabilityMinRepeatPurchases, options.UnresolvedComplaintAge.TotalDays));
    }

    private static MarketingExplanation Marketing(EngineRules rules, Assessment assessment, MarketingDecision marketing, string tierName)
    {
        var policy = rules.Policy;
        var segment = rules.Scoring.Population.Segments?.GetValueOrDefault(tierName);
        return new MarketingExplanation(
            marketing.Mode,
            "marketing." + EnumNames.Of(marketing.Mode),
            marketing.Reasons,
            assessment.ValueView.NetValuePercentile,
            policy.Marketing.HighValuePercentile,
            policy.Uncalibrated.HighNetValue,
            assessment.Needs.Individuality,
            policy.Marketing.HighIndividuality,
            segment?.Segment,
            assessment.Needs.Traits,
            segment?.Traits);
    }

    private static SelectionExplanation Selection(CapabilityPolicy capabilities, Assessment assessment, SelectionDecision selection) => new(
        selection.Quadrant,
        "selection." + EnumNames.Of(selection.Quadrant),
        selection.Reasons,
        selection.CapabilityMatch,
        capabilities.GoodMatch,
        [.. assessment.Needs.Categories.Select(c => new CategoryNeed(c.Category, c.Share, DecisionEngine.IsListed(c.Category, capabilities.Categories)))],
        assessment.Needs.ChannelShares,
        capabilities.Channels);

    private static List<ActionExplanation> Actions(Decision decision)
    {
        var actions = new List<ActionExplanation>(decision.Actions.Count + decision.Withheld.Count + decision.HeldBack.Count);
        actions.AddRange(decision.Actions.Select(a => new ActionExplanation("offered", a.Kind, a.Action, FirstRule(a.Reasons), a.Channel, a.Category, a.Budget, a.Reasons)));
        actions.AddRange(decision.Withheld.Select(a => NotOffered("withheld", a)));
        actions.AddRange(decision.HeldBack.Select(a => NotOffered("heldBack", a)));
        return actions;
    }

    private static ActionExplanation NotOffered(string status, WithheldAction a) =>
        new(status, a.Kind, a.Action, FirstRule(a.Reasons), a.Channel, a.Category, null, a.Reasons);

    private static string FirstRule(IReadOnlyList<Reason> reasons) => reasons.Count > 0 ? reasons[0].Rule : "";

    private static string Money(double amount) => Formats.Money((decimal)Math.Round(amount, 2));
}
