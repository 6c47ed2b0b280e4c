using System.Text.Json.Nodes;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>The marketing mode and the selection quadrant change what is offered, as the default policy's matrices say.</summary>
public sealed class MatrixTests
{
    private static readonly DateTimeOffset LastMonthly = T0.AddDays(8 * 30);

    /// <summary>Monthly purchases for eight months in one category through one channel, consenting to post, e-mail and phone.</summary>
    private static History Monthly(string category, Channel channel)
    {
        var h = new History();
        for (var i = 0; i < 9; i++)
        {
            h.Purchase(T0.AddDays(i * 30), channel: channel, lines: [new PurchaseLine(category, 1, 100m)]);
        }
        return h.Consent(T0, ConsentChannel.Post).Consent(T0, ConsentChannel.Email).Consent(T0, ConsentChannel.Phone);
    }

    /// <summary>Books on the web are served well (the default policy's capabilities); garden goods in the store are not.</summary>
    private static History WellServed() => Monthly("books", Channel.Web);

    private static History PoorlyServed() => Monthly("garden", Channel.Store);

    private static Decision Decide(History h, DateTimeOffset now, string tier, double percentile, double pAlive = 0.9,
        bool individual = false, Policy? policy = null)
    {
        var lifecycle = LifecycleEvaluator.Evaluate(h.State, now, pAlive, new LifecycleOptions());
        h.State.RecordStage(lifecycle, now);
        var own = NeedProfile.Of(h.State, now, new NeedOptions(), null).Traits;
        var segment = individual
            ? new SegmentAverages("far", new Dictionary<string, double> { ["channel.app"] = 1, ["category.toys"] = 1, ["price.discountShare"] = 1 })
            : new SegmentAverages("near", own);
        var needs = NeedProfile.Of(h.State, now, new NeedOptions(), segment);
        var value = new ValueView(pAlive, 100m, 150m, tier, percentile);
        return DecisionEngine.Decide(h.State, value, lifecycle, needs, new DecisionContext(Channel.Phone, null, now), policy ?? Policy.Default);
    }

    private static IEnumerable<string> Rules(IEnumerable<Reason> reasons) => reasons.Select(r => r.Rule);

    [Fact]
    public void An_abandon_customer_gets_no_care_spend_and_no_compensation_beyond_the_policy_floor()
    {
        var h = PoorlyServed().ComplaintOpened(LastMonthly, "k-1", ComplaintSeverity.High);

        var decision = Decide(h, LastMonthly.AddDays(1), tier: "C", percentile: 0.2);

        Assert.Equal(SelectionQuadrant.Abandon, decision.Selection.Quadrant);
        Assert.DoesNotContain(decision.Actions, a => a.Kind == ActionKind.Care);
        var care = Assert.Single(decision.HeldBack, a => a.Kind == ActionKind.Care);
        Assert.Equal(["action.care", "matrix.hold"], Rules(care.Reasons));
        Assert.Contains("selection quadrant abandon", care.Reasons[1].Text, StringComparison.Ordinal);
        Assert.True(decision.Treatment.CompensationEligible);
        Assert.Equal(10m, decision.Treatment.CompensationLimit);
        Assert.Contains("matrix.compensation", Rules(decision.Treatment.Reasons));
    }

    [Fact]
    public void The_same_low_value_customer_well_served_is_passive_and_keeps_care_and_the_tiers_compensation()
    {
        var h = WellServed().ComplaintOpened(LastMonthly, "k-1", ComplaintSeverity.High);

        var decision = Decide(h, LastMonthly.AddDays(1), tier: "C", percentile: 0.2);

        Assert.Equal(SelectionQuadrant.Passive, decision.Selection.Quadrant);
        var care = Assert.Single(decision.Actions, a => a.Kind == ActionKind.Care);
        Assert.False(care.Personalised);
        Assert.Empty(decision.HeldBack);
        Assert.Equal(25m, decision.Treatment.CompensationLimit);
    }

    [Fact]
    public void A_declining_focus_customer_is_worth_retaining_whatever_the_tier_but_an_opportunistic_one_of_the_same_tier_is_not()
    {
        var declineAt = LastMonthly.AddDays(100);

        var focus = Decide(WellServed(), declineAt, tier: "C", percentile: 0.9, pAlive: 0.3);
        var opportunistic = Decide(PoorlyServed(), declineAt, tier: "C", percentile: 0.9, pAlive: 0.3);

        Assert.Equal((LifecycleStage.Decline, SelectionQuadrant.Focus), (focus.Stage, focus.Selection.Quadrant));
        var retention = Assert.Single(focus.Actions, a => a.Kind == ActionKind.Retention);
        Assert.Contains("selection quadrant focus is worth retaining", retention.Reasons[0].Text, StringComparison.Ordinal);
        Assert.Equal(SelectionQuadrant.Opportunistic, opportunistic.Selection.Quadrant);
        Assert.DoesNotContain(opportunistic.Actions, a => a.Kind == ActionKind.Retention);
    }

    [Fact]
    public void An_opportunistic_customers_offers_are_personalised()
    {
        var decision = Decide(PoorlyServed(), LastMonthly.AddDays(1), tier: "A", percentile: 0.9);

        Assert.Equal(SelectionQuadrant.Opportunistic, decision.Selection.Quadrant);
        var care = Assert.Single(decision.Actions, a => a.Kind == ActionKind.Care);
        Assert.True(care.Personalised);
        Assert.Contains("matrix.personalised", Rules(care.Reasons));
    }

    [Theory]
    [InlineData(0.9, true, MarketingMode.Customised, true)]
    [InlineData(0.9, false, MarketingMode.Frequency, false)]
    public void High_individuality_personalises_the_offers_of_a_valuable_customer(double percentile, bool individual, MarketingMode mode, bool personalised)
    {
        var decision = Decide(WellServed(), LastMonthly.AddDays(1), tier: "A", percentile: percentile, individual: individual);

        Assert.Equal((mode, SelectionQuadrant.Focus), (decision.Marketing.Mode, decision.Selection.Quadrant));
        Assert.Equal(personalised, Assert.Single(decision.Actions, a => a.Kind == ActionKind.Care).Personalised);
    }

    [Theory]
    [InlineData(false, MarketingMode.Mass, true)]
    [InlineData(true, MarketingMode.Abandon, false)]
    public void A_low_value_customer_far_from_the_segment_is_abandoned_by_marketing_and_gets_no_birthday_spend(bool individual, MarketingMode mode, bool birthday)
    {
        var now = LastMonthly.AddDays(1);
        var h = WellServed().Birthday(T0, DateOnly.FromDateTime(now.UtcDateTime).AddDays(2).AddYears(-30));

        var decision = Decide(h, now, tier: "C", percentile: 0.2, individual: individual);

        Assert.Equal(mode, decision.Marketing.Mode);
        Assert.Equal(birthday, decision.Actions.Any(a => a.Kind == ActionKind.Birthday));
        Assert.Equal(!birthday, decision.HeldBack.Any(a => a.Kind == ActionKind.Birthday && a.Reasons[^1].Text.Contains("marketing mode abandon", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_policy_without_matrices_changes_nothing_for_an_abandon_customer()
    {
        var json = DefaultJson();
        json.Remove("matrices");
        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());
        Assert.Empty(errors);

        var decision = Decide(PoorlyServed(), LastMonthly.AddDays(1), tier: "C", percentile: 0.2, policy: policy);

        Assert.Equal(SelectionQuadrant.Abandon, decision.Selection.Quadrant);
        Assert.Contains(decision.Actions, a => a.Kind == ActionKind.Care);
        Assert.Empty(decision.HeldBack);
    }

    [Fact]
    public void A_matrix_cell_that_names_an_unknown_action_or_quadrant_is_refused_with_its_path()
    {
        var json = DefaultJson();
        json["matrices"]!["selection"]!["abandon"]!["hold"] = new JsonArray("care", "gifts");
        json["matrices"]!["marketing"]!["loyal"] = new JsonObject();

        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());

        Assert.Null(policy);
        Assert.Contains(errors, e => e.Path == "$.matrices.selection.abandon.hold[1]" && e.Reason.Contains("gifts", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.matrices.marketing.loyal");
    }

    private static JsonObject DefaultJson()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        return JsonNode.Parse(stream)!.AsObject();
    }
}
