using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

public sealed class DecisionEngineTests
{
    private static Decision Decide(History h, DateTimeOffset now, string tier = "A", double pAlive = 0.9, double percentile = 0.9,
        SegmentAverages? segment = null, Policy? policy = null, string? contactReason = null)
    {
        var lifecycle = LifecycleEvaluator.Evaluate(h.State, now, pAlive, new LifecycleOptions());
        h.State.RecordStage(lifecycle, now);
        var needs = NeedProfile.Of(h.State, now, new NeedOptions(), segment);
        var value = new ValueView(pAlive, NetValue: 1000m, Clv: 1200m, tier, percentile);
        return DecisionEngine.Decide(h.State, value, lifecycle, needs, new DecisionContext(Channel.Phone, contactReason, now), policy ?? Policy.Default);
    }

    private static IEnumerable<string> Rules(IReadOnlyList<Reason> reasons) => reasons.Select(r => r.Rule);

    private static PurchaseLine Line(string category) => new(category, 1, 10m);

    /// <summary>Monthly purchases for eight months (net spend 900) with the given consents.</summary>
    private static History StableCustomer(params ConsentChannel[] consents)
    {
        var h = new History().Purchases(T0, count: 9, everyDays: 30);
        foreach (var channel in consents)
        {
            h.Consent(T0, channel);
        }
        return h;
    }

    private static readonly DateTimeOffset LastMonthly = T0.AddDays(8 * 30);

    /// <summary>A P(alive) that decays with the time since the last purchase, as the value model's does.</summary>
    private static double PAlive(History h, DateTimeOffset now) => Math.Exp(-(now - h.State.LastPurchaseAt!.Value).TotalDays / 90);

    [Fact]
    public void An_angry_caller_with_an_open_complaint_gets_the_recovery_script_and_compensation_until_the_complaint_is_resolved()
    {
        var h = StableCustomer()
            .ComplaintOpened(LastMonthly.AddDays(1), "k-1", ComplaintSeverity.High)
            .Contact(LastMonthly.AddDays(1).AddHours(1), Channel.Phone, Emotion.Angry);

        var open = Decide(h, LastMonthly.AddDays(2)).Treatment;
        var resolved = Decide(h.ComplaintResolved(LastMonthly.AddDays(3), "k-1", satisfied: true), LastMonthly.AddDays(4)).Treatment;

        Assert.Equal("angry-customer-recovery", open.RecoveryScript);
        Assert.True(open.Apologise);
        Assert.True(open.CompensationEligible);
        Assert.Equal(200m, open.CompensationLimit);
        Assert.Superset(new HashSet<string> { "treatment.emotion.angry", "treatment.apology", "treatment.compensation" }, Rules(open.Reasons).ToHashSet());
        Assert.Null(resolved.RecoveryScript);
        Assert.False(resolved.CompensationEligible);
        Assert.False(resolved.Apologise);
        Assert.Contains("treatment.emotion.recovered", Rules(resolved.Reasons));
    }

    [Fact]
    public void A_complaint_resolved_to_the_customers_dissatisfaction_leaves_the_recovery_script_in_place()
    {
        var h = StableCustomer()
            .ComplaintOpened(LastMonthly, "k-1")
            .Contact(LastMonthly.AddHours(1), Channel.Phone, Emotion.Angry)
            .ComplaintResolved(LastMonthly.AddDays(1), "k-1", satisfied: false);

        Assert.Equal("angry-customer-recovery", Decide(h, LastMonthly.AddDays(2)).Treatment.RecoveryScript);
    }

    [Theory]
    [InlineData(Emotion.Angry, "angry-customer-recovery", 2)]
    [InlineData(Emotion.Anxious, "anxious-customer-reassurance", 3)]
    [InlineData(Emotion.Suspicious, "suspicious-customer-transparency", 3)]
    [InlineData(Emotion.Fearful, "fearful-customer-safety", 2)]
    [InlineData(Emotion.Calm, "calm-customer-standard", 3)]
    [InlineData(Emotion.SecretlyPleased, "secretly-pleased-firm-measures", 3)]
    public void Each_mood_at_the_last_contact_has_its_recovery_script(Emotion emotion, string script, int routingPriority)
    {
        var h = StableCustomer().Contact(LastMonthly, Channel.Chat, emotion);

        var decision = Decide(h, LastMonthly.AddDays(1), tier: "C");

        Assert.Equal(script, decision.Treatment.RecoveryScript);
        Assert.Equal(emotion, decision.Treatment.Emotion);
        Assert.Equal(routingPriority, decision.Service.RoutingPriority);
    }

    [Fact]
    public void A_mood_noted_long_ago_no_longer_sets_the_script()
    {
        var h = StableCustomer().Contact(LastMonthly, Channel.Phone, Emotion.Angry);

        var treatment = Decide(h, LastMonthly.AddDays(31)).Treatment;

        Assert.Null(treatment.RecoveryScript);
        Assert.Contains("treatment.emotion.stale", Rules(treatment.Reasons));
    }

    [Theory]
    [InlineData("A", "Platinum", "dedicatedSeniorAgent", 1)]
    [InlineData("B", "Gold", "priorityQueue", 2)]
    [InlineData("C", "Silver", "standard", 3)]
    [InlineData("D", "Bronze", "selfServiceFirst", 4)]
    public void The_tier_sets_the_service_level_and_routing_priority(string tier, string name, string serviceLevel, int priority)
    {
        var service = Decide(StableCustomer(), LastMonthly.AddDays(1), tier).Service;

        Assert.Equal((tier, name, serviceLevel, priority), (service.Tier, service.TierName, service.ServiceLevel, service.RoutingPriority));
        Assert.Contains("service.tier", Rules(service.Reasons));
    }

    [Fact]
    public void An_open_complaint_raises_the_routing_priority()
    {
        var service = Decide(StableCustomer().ComplaintOpened(LastMonthly, "k-1"), LastMonthly.AddDays(1), tier: "C").Service;

        Assert.Equal(2, service.RoutingPriority);
        Assert.Contains("service.complaint", Rules(service.Reasons));
    }

    [Fact]
    public void A_minor_complaint_earns_an_apology_but_no_compensation()
    {
        var treatment = Decide(StableCustomer().ComplaintOpened(LastMonthly, "k-1", ComplaintSeverity.Low), LastMonthly.AddDays(1)).Treatment;

        Assert.True(treatment.Apologise);
        Assert.False(treatment.CompensationEligible);
        Assert.Contains("treatment.compensation.severity", Rules(treatment.Reasons));
    }

    [Fact]
    public void A_tier_without_a_compensation_budget_gets_none()
    {
        var treatment = Decide(StableCustomer().ComplaintOpened(LastMonthly, "k-1", ComplaintSeverity.Critical), LastMonthly.AddDays(1), tier: "D").Treatment;

        Assert.False(treatment.CompensationEligible);
        Assert.Contains("treatment.compensation.tier", Rules(treatment.Reasons));
    }

    [Fact]
    public void A_stable_valuable_customer_left_alone_declines_and_is_offered_retention_then_churns_and_is_offered_a_win_back()
    {
        var h = StableCustomer(ConsentChannel.Phone, ConsentChannel.Email);
        var stableAt = LastMonthly.AddDays(5);
        var declineAt = LastMonthly.AddDays(100);
        var churnAt = LastMonthly.AddDays(200);

        var stable = Decide(h, stableAt, pAlive: PAlive(h, stableAt));
        var declining = Decide(h, declineAt, pAlive: PAlive(h, declineAt));
        var churned = Decide(h, churnAt, pAlive: PAlive(h, churnAt));

        Assert.Equal(LifecycleStage.Stability, stable.Stage);
        Assert.DoesNotContain(stable.Actions, a => a.Kind is ActionKind.Retention or ActionKind.WinBack);
        Assert.Equal(LifecycleStage.Decline, declining.Stage);
        var retention = Assert.Single(declining.Actions, a => a.Kind == ActionKind.Retention);
        Assert.Equal(("retentionOffer", ConsentChannel.Phone, 50m), (retention.Action, retention.Channel, retention.Budget));
        Assert.Contains("action.retention", Rules(retention.Reasons));
        Assert.Equal(LifecycleStage.Churned, churned.Stage);
        Assert.DoesNotContain(churned.Actions, a => a.Kind == ActionKind.Retention);
        var winBack = Assert.Single(churned.Actions, a => a.Kind == ActionKind.WinBack);
        Assert.Equal(("winBackOffer", ConsentChannel.Email), (winBack.Action, winBack.Channel));
        Assert.Contains("action.winBack", Rules(winBack.Reasons));
    }

    [Fact]
    public void Without_consent_for_its_channel_the_win_back_is_withheld_and_says_why()
    {
        var h = StableCustomer(ConsentChannel.Phone).Consent(T0.AddDays(1), ConsentChannel.Email, granted: false);

        var churned = Decide(h, LastMonthly.AddDays(200), pAlive: 0.1);

        Assert.DoesNotContain(churned.Actions, a => a.Kind == ActionKind.WinBack);
        var withheld = Assert.Single(churned.Withheld, a => a.Kind == ActionKind.WinBack);
        Assert.Equal(["action.winBack", "consent.missing"], Rules(withheld.Reasons));
        Assert.Contains("email", withheld.Reasons[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_is_only_for_valuable_tiers()
    {
        var declining = Decide(StableCustomer(ConsentChannel.Phone), LastMonthly.AddDays(100), tier: "C", pAlive: 0.3);

        Assert.Equal(LifecycleStage.Decline, declining.Stage);
        Assert.DoesNotContain(declining.Actions, a => a.Kind == ActionKind.Retention);
        Assert.DoesNotContain(declining.Withheld, a => a.Kind == ActionKind.Retention);
    }

    [Fact]
    public void A_valuable_customer_calling_to_cancel_is_offered_retention_before_any_decline()
    {
        var h = new History().Purchases(T0, count: 2, everyDays: 20).Consent(T0, ConsentChannel.Phone);

        var decision = Decide(h, T0.AddDays(25), tier: "B", contactReason: "cancel");

        Assert.Equal(LifecycleStage.Formation, decision.Stage);
        var retention = Assert.Single(decision.Actions, a => a.Kind == ActionKind.Retention);
        Assert.Contains("action.retention.contactReason", Rules(retention.Reasons));
    }

    [Fact]
    public void A_churned_customer_who_spent_little_is_not_offered_a_win_back()
    {
        var h = new History().Purchase(T0, amount: 50).Consent(T0, ConsentChannel.Email);

        var churned = Decide(h, T0.AddDays(300), pAlive: 0.05);

        Assert.Equal(LifecycleStage.Churned, churned.Stage);
        Assert.Empty(churned.Actions);
        Assert.Empty(churned.Withheld);
    }

    [Fact]
    public void A_stable_customer_is_cross_sold_in_the_categories_of_strongest_affinity()
    {
        var h = StableCustomer(ConsentChannel.Email)
            .Purchase(LastMonthly, lines: [Line("books"), Line("books"), Line("books"), Line("books"), Line("music"), Line("toys")]);

        var decision = Decide(h, LastMonthly.AddDays(2));

        var crossSell = decision.Actions.Where(a => a.Kind == ActionKind.CrossSell).ToList();
        Assert.Equal(["books"], crossSell.Select(a => a.Category));
        Assert.Equal(ConsentChannel.Email, crossSell[0].Channel);
    }

    [Fact]
    public void A_customer_still_in_formation_is_not_cross_sold()
    {
        var h = new History().Purchase(T0, lines: [Line("books")]).Purchase(T0.AddDays(10), lines: [Line("books")]).Consent(T0, ConsentChannel.Email);

        Assert.DoesNotContain(Decide(h, T0.AddDays(11)).Actions, a => a.Kind == ActionKind.CrossSell);
    }

    [Theory]
    [InlineData("A", "personalGiftOrEvent", ConsentChannel.Post, 150)]
    [InlineData("C", "greeting", ConsentChannel.Email, 2)]
    public void Care_actions_follow_the_tier_within_its_budget(string tier, string action, ConsentChannel channel, int budget)
    {
        var care = Assert.Single(Decide(StableCustomer(ConsentChannel.Post, ConsentChannel.Email), LastMonthly.AddDays(1), tier).Actions,
            a => a.Kind == ActionKind.Care);

        Assert.Equal((action, channel, (decimal)budget), (care.Action, care.Channel, care.Budget));
    }

    [Fact]
    public void The_lowest_tier_and_churned_customers_get_no_care_action()
    {
        var h = StableCustomer(ConsentChannel.Post, ConsentChannel.Email);

        Assert.DoesNotContain(Decide(h, LastMonthly.AddDays(1), tier: "D").Actions, a => a.Kind == ActionKind.Care);
        Assert.DoesNotContain(Decide(h, LastMonthly.AddDays(300), tier: "A", pAlive: 0.05).Actions, a => a.Kind == ActionKind.Care);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(7, true)]
    [InlineData(8, false)]
    public void A_birthday_within_the_policys_days_is_an_action_with_the_tiers_budget(int daysAhead, bool offered)
    {
        var now = LastMonthly.AddDays(1);
        var birthday = DateOnly.FromDateTime(now.UtcDateTime).AddDays(daysAhead).AddYears(-40);
        var h = StableCustomer(ConsentChannel.Email).Birthday(T0, birthday);

        var action = Decide(h, now, tier: "B").Actions.SingleOrDefault(a => a.Kind == ActionKind.Birthday);

        Assert.Equal(offered, action is not null);
        Assert.Equal(offered ? 20m : (decimal?)null, action?.Budget);
    }

    [Fact]
    public void A_leap_day_birthday_is_celebrated_on_the_28th_in_other_years()
    {
        Assert.Equal(1, DecisionEngine.DaysToBirthday(new DateOnly(2000, 2, 29), new DateTimeOffset(2027, 2, 27, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(2, DecisionEngine.DaysToBirthday(new DateOnly(2000, 2, 29), new DateTimeOffset(2028, 2, 27, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(364, DecisionEngine.DaysToBirthday(new DateOnly(1990, 3, 1), new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(0.9, false, MarketingMode.Frequency)]
    [InlineData(0.9, true, MarketingMode.Customised)]
    [InlineData(0.2, false, MarketingMode.Mass)]
    [InlineData(0.2, true, MarketingMode.Abandon)]
    public void The_marketing_mode_follows_value_and_individuality(double percentile, bool individual, MarketingMode mode)
    {
        var h = new History().Purchase(T0, channel: Channel.Web, lines: [Line("books")]);
        var own = NeedProfile.Of(h.State, T0.AddDays(1), new NeedOptions(), null).Traits;
        var segment = individual
            ? new SegmentAverages("far", new Dictionary<string, double> { ["channel.store"] = 1, ["category.garden"] = 1, ["price.discountShare"] = 1 })
            : new SegmentAverages("near", own);

        var marketing = Decide(h, T0.AddDays(1), percentile: percentile, segment: segment).Marketing;

        Assert.Equal(mode, marketing.Mode);
        Assert.Equal(["value.percentile", "marketing.individuality"], Rules(marketing.Reasons));
    }

    [Fact]
    public void Without_a_segment_individuality_is_taken_as_low_and_said_so()
    {
        var marketing = Decide(StableCustomer(), LastMonthly.AddDays(1), percentile: 0.9).Marketing;

        Assert.Equal(MarketingMode.Frequency, marketing.Mode);
        Assert.Contains("marketing.individuality.unknown", Rules(marketing.Reasons));
    }

    [Theory]
    [InlineData(0.9, "books", Channel.Web, SelectionQuadrant.Focus)]
    [InlineData(0.9, "garden", Channel.Store, SelectionQuadrant.Opportunistic)]
    [InlineData(0.2, "books", Channel.Web, SelectionQuadrant.Passive)]
    [InlineData(0.2, "garden", Channel.Store, SelectionQuadrant.Abandon)]
    public void The_selection_quadrant_follows_value_and_how_well_the_company_serves_the_customers_needs(
        double percentile, string category, Channel channel, SelectionQuadrant quadrant)
    {
        var h = new History().Purchase(T0, channel: channel, lines: [Line(category)]);

        var selection = Decide(h, T0.AddDays(1), percentile: percentile).Selection;

        Assert.Equal(quadrant, selection.Quadrant);
        Assert.Equal(category == "books" ? 1 : 0, selection.CapabilityMatch);
    }

    [Fact]
    public void The_decision_names_the_policy_version_it_was_made_under()
    {
        var decision = Decide(StableCustomer(), LastMonthly.AddDays(1));

        Assert.Equal(Policy.Default.Version, decision.PolicyVersion);
        Assert.Equal(("c-1", LastMonthly.AddDays(1)), (decision.CustomerId, decision.At));
    }

    [Fact]
    public void A_tier_the_policy_does_not_know_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Decide(StableCustomer(), LastMonthly, tier: "Z"));
    }
}
