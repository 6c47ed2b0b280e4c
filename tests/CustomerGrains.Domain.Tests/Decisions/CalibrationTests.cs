using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.Value;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>Before the population is measured, value percentiles and tiers A to C do not exist, and decisions say so.</summary>
public sealed class CalibrationTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(200);

    private static EngineRules Uncalibrated(Policy? policy = null) =>
        new(ScoringModel.Default(new ValueModelOptions()), policy ?? Policy.Default, new LifecycleOptions(), new NeedOptions());

    /// <summary>A buyer every three weeks since <see cref="T0"/>, spending 100 each time, with phone consent.</summary>
    private static History Regular(string id = "regular") =>
        new History(id).Consent(T0, ConsentChannel.Phone).Purchases(T0, count: 9, everyDays: 21);

    /// <summary>One small purchase and hours on the phone: costs more to serve than they bring.</summary>
    private static History LossMaker()
    {
        var h = new History("loss").Purchase(T0, amount: 10m);
        for (var i = 0; i < 10; i++)
        {
            h.Apply(new CustomerContacted
            {
                EventId = $"call-{i}", CustomerId = "loss", OccurredAt = T0.AddDays(10 + i), Source = "cti", Channel = Channel.Phone,
                DurationSeconds = 3600,
            });
        }
        return h;
    }

    private static EngineRules Measured(params History[] population)
    {
        var rules = Uncalibrated();
        var statistics = PopulationStatistics.Compute(
            [.. population.Select(h => CustomerValueInputs.Of(h.State))], Now, rules.Scoring.Model);
        return rules with { Scoring = rules.Scoring with { PopulationVersion = "p1", Population = statistics } };
    }

    private static IEnumerable<string> Rules(IReadOnlyList<Reason> reasons) => reasons.Select(r => r.Rule);

    [Fact]
    public void Before_the_population_is_measured_a_profitable_customer_has_no_tier_and_no_percentile_and_is_served_as_the_policy_says()
    {
        var h = Regular();

        var assessment = Uncalibrated().Assess(h.State, Now);
        var decision = Uncalibrated().Decide(h.State, new DecisionContext(Channel.Phone, null, Now));

        Assert.True(assessment.Value.NetValue > 0, $"net value {assessment.Value.NetValue}");
        Assert.Null(assessment.Value.Tier);
        Assert.Equal("uncalibrated", assessment.ValueView.Tier);
        Assert.Null(assessment.ValueView.NetValuePercentile);
        Assert.Equal(("C", "Silver", "standard"), (decision.Service.Tier, decision.Service.TierName, decision.Service.ServiceLevel));
        var uncalibrated = Assert.Single(decision.Service.Reasons, r => r.Rule == "service.uncalibrated");
        Assert.Contains("not been measured", uncalibrated.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_the_population_is_measured_a_loss_maker_is_D_and_never_high_value()
    {
        var h = LossMaker();

        var decision = Uncalibrated().Decide(h.State, new DecisionContext(Channel.Phone, null, Now));

        Assert.Equal("D", Uncalibrated().Assess(h.State, Now).ValueView.Tier);
        Assert.Equal("D", decision.Service.Tier);
        Assert.DoesNotContain("service.uncalibrated", Rules(decision.Service.Reasons));
        Assert.Equal(MarketingMode.Mass, decision.Marketing.Mode);
        var value = decision.Marketing.Reasons[0];
        Assert.Equal("value.uncalibrated", value.Rule);
        Assert.Contains("percentile uncalibrated", value.Text, StringComparison.Ordinal);
        Assert.Contains("is low value", value.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_the_population_is_measured_high_value_is_judged_by_the_policys_net_value_without_percentiles()
    {
        var h = Regular();
        var netValue = Uncalibrated().Assess(h.State, Now).ValueView.NetValue;
        var above = Policy.Default with { Uncalibrated = new UncalibratedPolicy("C", netValue - 1) };
        var below = Policy.Default with { Uncalibrated = new UncalibratedPolicy("C", netValue + 1) };
        var unset = Policy.Default with { Uncalibrated = new UncalibratedPolicy("C", null) };
        var context = new DecisionContext(Channel.Phone, "cancel", Now);

        var high = Uncalibrated(above).Decide(h.State, context);
        var low = Uncalibrated(below).Decide(h.State, context);
        var none = Uncalibrated(unset).Decide(h.State, context);

        Assert.Equal((MarketingMode.Frequency, SelectionQuadrant.Opportunistic), (high.Marketing.Mode, high.Selection.Quadrant));
        Assert.Equal((MarketingMode.Mass, SelectionQuadrant.Abandon), (low.Marketing.Mode, low.Selection.Quadrant));
        Assert.Equal(MarketingMode.Mass, none.Marketing.Mode);
        Assert.Contains("sets no net value", none.Marketing.Reasons[0].Text, StringComparison.Ordinal);
        // Retention for a caller who wants to cancel: by the net value while tiers are unknown.
        var retention = Assert.Single(high.Actions, a => a.Kind == ActionKind.Retention);
        Assert.Contains("uncalibrated", retention.Reasons[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(low.Actions, a => a.Kind == ActionKind.Retention);
        // A policy that retains the tier the uncalibrated are served as retains them whatever their net value.
        var retainsC = below with { Retention = below.Retention with { Tiers = ["C"] } };
        var served = Assert.Single(Uncalibrated(retainsC).Decide(h.State, context).Actions, a => a.Kind == ActionKind.Retention);
        Assert.Contains("tier C is valuable", served.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_the_population_is_measured_the_tier_and_percentile_are_known_and_the_fallback_is_gone()
    {
        var regular = Regular();
        var rules = Measured(regular, LossMaker(), Regular("other").Purchase(Now.AddDays(-1), 500m), new History("new").Purchase(Now.AddDays(-3)));

        var assessment = rules.Assess(regular.State, Now);
        var decision = rules.Decide(regular.State, new DecisionContext(Channel.Phone, null, Now));

        Assert.Contains(assessment.ValueView.Tier, new[] { "A", "B", "C" });
        Assert.NotNull(assessment.ValueView.NetValuePercentile);
        Assert.Equal(assessment.ValueView.Tier, decision.Service.Tier);
        Assert.DoesNotContain("service.uncalibrated", Rules(decision.Service.Reasons));
        Assert.Equal("value.percentile", decision.Marketing.Reasons[0].Rule);
    }

    [Fact]
    public void An_uncalibrated_section_naming_an_unknown_tier_is_refused_and_a_policy_without_one_serves_as_C()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(PolicyJsonText())!.AsObject();
        json["uncalibrated"]!["serveAsTier"] = "Z";
        var (refused, errors) = PolicyJson.Parse(json.ToJsonString());
        json.Remove("uncalibrated");
        var (older, none) = PolicyJson.Parse(json.ToJsonString());

        Assert.Null(refused);
        Assert.Equal("$.uncalibrated.serveAsTier", Assert.Single(errors).Path);
        Assert.Empty(none);
        Assert.Equal(UncalibratedPolicy.Default, older!.Uncalibrated);
    }

    private static string PolicyJsonText()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
