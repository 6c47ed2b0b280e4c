using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.Value;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>Subscribers are valued and decided with the contractual model; everyone else exactly as before.</summary>
public sealed class ContractualDecisionTests
{
    private static readonly ValueModelOptions ValueOptions = new();
    private static readonly EngineRules Rules = new(ScoringModel.Default(ValueOptions), Policy.Default, new LifecycleOptions(), new NeedOptions());

    private static History Subscriber(decimal charge, int contractMonths, string id = "s-1") => new History()
        .Consent(T0, ConsentChannel.Phone)
        .Apply(new SubscriptionStarted
        {
            EventId = $"{id}-start", CustomerId = "c-1", OccurredAt = T0, Source = "billing",
            SubscriptionId = id, Plan = "Fiber", MonthlyCharge = charge, ContractMonths = contractMonths,
        });

    [Fact]
    public void A_subscriber_gets_the_sBG_renewal_probability_DERL_and_residual_value_of_her_contract_cohort()
    {
        var h = Subscriber(80m, contractMonths: 1);
        var now = T0.AddMonths(6).AddDays(2);

        var assessment = Rules.Assess(h.State, now);

        var contract = Assert.IsType<ContractValue>(assessment.ValueView.Contract);
        var options = new ContractualOptions();
        var sbg = options.RetentionModel(1);
        double monthly = Math.Pow(1.10, 1.0 / 12) - 1;
        Assert.Equal((6, 1, 80m, "Fiber"), (contract.TenureMonths, contract.ContractMonths, contract.MonthlyCharges, contract.Plan));
        Assert.Equal((sbg.Beta + 6) / (sbg.Alpha + sbg.Beta + 6), contract.RenewalProbability, 12);
        Assert.Equal(ShiftedBetaGeometric.DiscountedExpectedResidualLifetime(sbg, 6, monthly), contract.DerlMonths, 9);
        Assert.Equal(0.3 * 80 * contract.DerlMonths, contract.ResidualValue, 9);
        Assert.Equal(contract.ResidualValue, assessment.Value.Clv, 9);
        Assert.Equal(options.RiskModel.Risk(new ChurnSignals(6, 80, 1, 0, 0)), contract.ChurnRisk, 12);
    }

    [Fact]
    public void A_valuable_subscriber_at_high_churn_risk_is_offered_retention_and_one_at_low_risk_is_not()
    {
        // Both complaints resolved: the risk is the subscriber's own signals, not an open complaint's decline.
        var risky = Subscriber(110m, contractMonths: 1)
            .ComplaintOpened(T0.AddDays(20), "k-1").ComplaintResolved(T0.AddDays(22), "k-1")
            .ComplaintOpened(T0.AddDays(40), "k-2").ComplaintResolved(T0.AddDays(42), "k-2");
        var loyal = Subscriber(30m, contractMonths: 24);
        var now = T0.AddMonths(2).AddDays(1);
        var loyalNow = T0.AddMonths(40);

        var riskyDecision = Rules.Decide(risky.State, new DecisionContext(Channel.Phone, null, now));
        var loyalDecision = Rules.Decide(loyal.State, new DecisionContext(Channel.Phone, null, loyalNow));
        var riskyContract = Rules.Assess(risky.State, now).ValueView.Contract!;
        var loyalContract = Rules.Assess(loyal.State, loyalNow).ValueView.Contract!;

        Assert.True(riskyContract.HighRisk, $"churn risk {riskyContract.ChurnRisk}");
        Assert.NotEqual(LifecycleStage.Decline, riskyDecision.Stage);
        var retention = Assert.Single(riskyDecision.Actions, a => a.Kind == ActionKind.Retention);
        var reason = Assert.Single(retention.Reasons, r => r.Rule == "action.retention.churnRisk");
        Assert.Contains("subscriber with a churn risk of", reason.Text, StringComparison.Ordinal);
        Assert.False(loyalContract.HighRisk, $"churn risk {loyalContract.ChurnRisk}");
        Assert.True(loyalContract.ResidualValue >= 500, "the loyal subscriber is valuable too");
        Assert.DoesNotContain(loyalDecision.Actions, a => a.Kind == ActionKind.Retention);
    }

    [Fact]
    public void The_explanation_names_the_contract_value_the_decision_read()
    {
        var h = Subscriber(110m, contractMonths: 1).ComplaintOpened(T0.AddDays(20), "k-1");
        var now = T0.AddMonths(2).AddDays(1);

        var explanation = Rules.Explain(h.State, new DecisionContext(Channel.Phone, null, now));

        Assert.Equal(Rules.Assess(h.State, now).ValueView.Contract, explanation.Contract);
        Assert.Contains(explanation.Tier.Reasons, r => r.Rule == "value.contract" && r.Text.Contains("DERL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_customer_without_a_running_subscription_is_scored_exactly_as_before()
    {
        var buyer = new History().Purchases(T0, count: 4, everyDays: 30);
        var former = Subscriber(50m, contractMonths: 1).Purchases(T0, count: 4, everyDays: 30)
            .Apply(new SubscriptionCancelled { EventId = "x", CustomerId = "c-1", OccurredAt = T0.AddDays(100), Source = "billing", SubscriptionId = "s-1" });
        var now = T0.AddDays(130);

        foreach (var h in new[] { buyer, former })
        {
            var assessment = Rules.Assess(h.State, now);
            var before = ValueScorer.Compute(CustomerValueInputs.Of(h.State), now, Rules.Scoring.Model, new RfmCutPoints(default, default, default), Rules.Scoring.Population.Tiers);
            Assert.Null(assessment.ValueView.Contract);
            Assert.Equal(before, assessment.Value);
        }
    }
}
