using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Value;

namespace CustomerGrains.Grains.Customers;

/// <summary>A snapshot with the assessment it shows; the assessment is null (and the failure kept) when the customer could not be assessed.</summary>
internal readonly record struct AssessedSnapshot(CustomerSnapshot Snapshot, Assessment? Assessment, Exception? Failure);

/// <summary>
/// What a customer's state looks like from outside: the snapshot, the card, the compact screen-pop card and the read
/// model row, each a pure function of the state, the rules and the moment.
/// </summary>
internal static class CustomerViews
{
    /// <summary>The snapshot as of <paramref name="at"/>; a read still answers with the facts when the models fail on this customer.</summary>
    public static AssessedSnapshot Snapshot(CustomerState customer, EngineRules rules, DateTimeOffset at)
    {
        var snapshot = CustomerSnapshot.From(CustomerSummary.Of(customer, at)) with { StageHistory = [.. customer.StageHistory] };
        try
        {
            var assessment = rules.Assess(customer, at);
            return new(snapshot with
            {
                Value = Figures(assessment.Value, rules, rules.Scoring.Intervals(customer, at, assessment.Value)) with { Contract = ContractFigures.Of(assessment.ValueView.Contract) },
                Lifecycle = assessment.Lifecycle,
                Needs = assessment.Needs,
            }, assessment, null);
        }
        catch (Exception ex) when (IsModelFailure(ex))
        {
            return new(snapshot, null, ex);
        }
    }

    /// <summary>Failures of the models on one customer's figures (as opposed to bugs or infrastructure failures).</summary>
    public static bool IsModelFailure(Exception ex) => EngineRules.IsModelFailure(ex);

    /// <summary>The card for <paramref name="context"/>: the snapshot and the decision from one assessment.</summary>
    public static CustomerCard Card(CustomerState customer, EngineRules rules, AssessedSnapshot snapshot, DecisionContext context) => new()
    {
        Customer = snapshot.Snapshot,
        Decision = snapshot.Assessment is { } assessment ? rules.Decide(customer, assessment, context) : rules.Decide(customer, context),
    };

    /// <summary>The compact card of a full card: what a ringing call shows first.</summary>
    public static ScreenPopCard Compact(CustomerCard card)
    {
        var customer = card.Customer;
        var decision = card.Decision;
        return new ScreenPopCard
        {
            CustomerId = customer.CustomerId,
            AsOf = customer.AsOf,
            Name = customer.Profile.Name,
            Phones = customer.Profile.Phones,
            Email = customer.Profile.Email,
            Tier = customer.Value?.Tier,
            TierName = customer.Value?.TierName,
            NetValue = customer.Value?.NetValue,
            Stage = customer.Lifecycle is { } lifecycle ? EnumNames.Of(lifecycle.Stage) : null,
            ServiceLevel = decision?.Service.ServiceLevel,
            RoutingPriority = decision?.Service.RoutingPriority,
            RecoveryScript = decision?.Treatment.RecoveryScript,
            Apologise = decision?.Treatment.Apologise ?? false,
            CompensationEligible = decision?.Treatment.CompensationEligible ?? false,
            CompensationLimit = decision?.Treatment.CompensationLimit ?? 0,
            Actions = decision is null ? [] : [.. decision.Actions.Select(a => a.Action)],
            LastMood = customer.LastMood,
            OpenComplaints = customer.OpenComplaints,
            RecentInteractions = customer.RecentInteractions,
            PolicyVersion = decision?.PolicyVersion,
            Contract = customer.Value?.Contract,
        };
    }

    /// <summary>
    /// The read model row of the customer as of <paramref name="now"/>: what the lifecycle sweep and the fit read. A
    /// customer whose stage time has already moved (history applied late, a silo down for days) is due for review now,
    /// so the next sweep records the change and alerts it rather than a review interval later.
    /// </summary>
    public static CustomerReadModelRow ReadModelRow(CustomerState customer, EngineRules rules, DateTimeOffset now)
    {
        var assessment = rules.Assess(customer, now);
        return new CustomerReadModelRow(
            customer.CustomerId,
            CustomerValueInputs.Of(customer),
            customer.Stage is { } stage ? EnumNames.Of(stage) : null,
            assessment.Lifecycle.Changed ? now : assessment.Lifecycle.NextReviewAt,
            assessment.Needs.Traits,
            now)
        {
            Figures = SegmentFiguresOf(customer, rules, assessment, now),
        };
    }

    /// <summary>
    /// What lists and segments filter the customer by. The matrices do not depend on the contact channel; a policy that
    /// cannot decide for the customer leaves the modes out rather than the row unwritten.
    /// </summary>
    private static SegmentFigures SegmentFiguresOf(CustomerState customer, EngineRules rules, Assessment assessment, DateTimeOffset now)
    {
        Decision? decision = null;
        try
        {
            decision = rules.Decide(customer, assessment, new DecisionContext(Channel.Phone, null, now));
        }
        catch (Exception ex) when (IsModelFailure(ex))
        {
            // The row still carries tier, value and P(alive).
        }
        return new SegmentFigures(
            assessment.ValueView.Tier,
            assessment.Value.NetValue,
            assessment.Value.PAlive,
            decision is null ? null : EnumNames.Of(decision.Marketing.Mode),
            decision is null ? null : EnumNames.Of(decision.Selection.Quadrant));
    }

    private static ValueFigures Figures(ValueScore score, EngineRules rules, ValueIntervals? intervals) => new()
    {
        PAlive = score.PAlive,
        ExpectedPurchases = score.ExpectedPurchases,
        HorizonWeeks = rules.Scoring.Model.Options.HorizonWeeks,
        ExpectedSpend = score.ExpectedSpend,
        Clv = score.Clv,
        CostToServe = score.CostToServe,
        NetValue = score.NetValue,
        NetValuePercentile = rules.Scoring.Population.PercentileOf(score.NetValue),
        Rfm = rules.Scoring.Population.Rfm is null ? null : score.Rfm.ToString(),
        Tier = ValueView.TierName(score.Tier),
        TierName = rules.Policy.Tiers.TryGetValue(ValueView.TierName(score.Tier), out var tier) ? tier.DisplayName : null,
        ModelVersion = rules.Scoring.ModelVersion,
        PopulationVersion = rules.Scoring.PopulationVersion,
        IntervalLevel = intervals?.Level,
        ExpectedPurchasesInterval = intervals is null ? null : new(intervals.ExpectedPurchases.Low, intervals.ExpectedPurchases.High),
        ClvInterval = intervals is null ? null : new(intervals.Clv.Low, intervals.Clv.High),
    };
}
