using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>An explanation names, for each part of what the engine says, the inputs and the rule, and agrees with the answer itself.</summary>
public sealed class ExplanationTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(200);

    private static EngineRules Uncalibrated() =>
        new(ScoringModel.Default(new ValueModelOptions()), Policy.Default, new LifecycleOptions(), new NeedOptions());

    /// <summary>Buyers spending from 20 to 400 every three weeks, and two who cost more to serve than they bring.</summary>
    private static List<History> Population()
    {
        var customers = new List<History>();
        for (var i = 1; i <= 20; i++)
        {
            customers.Add(new History($"buyer-{i}").Consent(T0, ConsentChannel.Phone).Purchases(T0, count: 1 + (i % 9), everyDays: 21, amount: 20m * i));
        }
        for (var i = 0; i < 2; i++)
        {
            var h = new History($"loss-{i}").Purchase(T0, amount: 10m);
            for (var call = 0; call < 10; call++)
            {
                Call(h, T0.AddDays(10 + call), $"call-{call}");
            }
            customers.Add(h);
        }
        return customers;
    }

    /// <summary>An hour on the phone with an agent: it costs to serve.</summary>
    private static History Call(History h, DateTimeOffset at, string id) => h.Apply(new CustomerContacted
    {
        EventId = id, CustomerId = h.State.CustomerId, OccurredAt = at, Source = "cti", Channel = Channel.Phone, DurationSeconds = 3600,
    });

    private static EngineRules Measured(IEnumerable<History> population)
    {
        var rules = Uncalibrated();
        var statistics = PopulationStatistics.Compute([.. population.Select(h => CustomerValueInputs.Of(h.State))], Now, rules.Scoring.Model);
        return rules with { Scoring = rules.Scoring with { PopulationVersion = "p7", Population = statistics } };
    }

    private static Explanation Explain(EngineRules rules, History h, DateTimeOffset? at = null) =>
        rules.Explain(h.State, new DecisionContext(Channel.Phone, null, at ?? Now));

    [Fact]
    public void Each_customers_tier_lies_between_the_cut_points_the_explanation_reports_and_names_the_population_version()
    {
        var population = Population();
        var rules = Measured(population);
        var tiersSeen = new HashSet<string>();

        foreach (var h in population)
        {
            var explanation = Explain(rules, h);
            var tier = explanation.Tier;
            var cuts = tier.CutPoints;
            tiersSeen.Add(tier.Tier);
            Assert.True(cuts.Calibrated);
            Assert.Equal("p7", cuts.PopulationVersion);
            Assert.Equal(population.Count, cuts.PopulationCustomers);
            Assert.Equal("tier." + tier.Tier, tier.Rule);
            Assert.Equal(tier.Rule, tier.Reasons[0].Rule);
            // The tier the explanation gives is the one the engine serves by.
            Assert.Equal(rules.Assess(h.State, Now).ValueView.Tier, tier.Tier);
            Assert.Equal(tier.Tier, explanation.Service.Tier);
            var a = cuts.AAbove!.Value;
            var b = cuts.BAbove!.Value;
            var inside = tier.Tier switch
            {
                "A" => tier.NetValue > a,
                "B" => tier.NetValue > b && tier.NetValue <= a,
                "C" => tier.NetValue >= 0 && tier.NetValue <= b,
                "D" => tier.NetValue < cuts.DBelow,
                _ => false,
            };
            Assert.True(inside, $"{h.State.CustomerId}: tier {tier.Tier} with net value {tier.NetValue}, A above {a}, B above {b}");
        }
        Assert.Equal(["A", "B", "C", "D"], tiersSeen.Order());
    }

    [Fact]
    public void The_value_parts_add_up_to_the_net_value_the_tier_was_judged_by()
    {
        var population = Population();
        var rules = Measured(population);
        var loss = population.Single(h => h.State.CustomerId == "loss-0");

        foreach (var h in new[] { population[10], loss })
        {
            var tier = Explain(rules, h).Tier;
            var clv = tier.Clv;
            Assert.Equal(clv.Clv, clv.Margin * clv.ExpectedSpend * clv.DiscountedPurchases, 6);
            Assert.Equal(tier.NetValue, clv.Clv - tier.CostToServe.Expected, 6);
            Assert.Equal(rules.Scoring.ModelVersion, clv.ModelVersion);
            Assert.Equal(h.State.PurchaseDays.Count - 1, clv.RepeatPurchases);
        }
        var lossCost = Explain(rules, loss).Tier.CostToServe;
        Assert.Equal(600, lossCost.CallMinutes, 6);
        Assert.Equal(lossCost.CallMinutes * lossCost.CostPerCallMinute, lossCost.SoFar, 6);
        Assert.Equal("tier.D", Explain(rules, loss).Tier.Rule);
    }

    [Fact]
    public void Before_any_population_is_measured_the_explanation_says_so_and_gives_no_cut_points()
    {
        var h = new History("new").Purchases(T0, count: 3, everyDays: 21);

        var tier = Explain(Uncalibrated(), h).Tier;

        Assert.Equal("uncalibrated", tier.Tier);
        Assert.Equal("tier.uncalibrated", tier.Rule);
        Assert.False(tier.CutPoints.Calibrated);
        Assert.Null(tier.CutPoints.AAbove);
        Assert.Null(tier.CutPoints.BAbove);
        Assert.Equal(ScoringModel.UncalibratedPopulationVersion, tier.CutPoints.PopulationVersion);
        Assert.Null(tier.NetValuePercentile);
    }

    [Fact]
    public void The_matrices_and_actions_explained_are_the_decisions_own_with_the_traits_and_capabilities_they_read()
    {
        var population = Population();
        var rules = Measured(population);
        var h = population[15].Engagement(Now.AddDays(-1), EngagementKind.WebVisit, "books");

        var explanation = Explain(rules, h);
        var decision = rules.Decide(h.State, new DecisionContext(Channel.Phone, null, Now));

        Assert.Equal(decision.Marketing.Mode, explanation.Marketing.Mode);
        Assert.Equal("marketing." + EnumNames.Of(decision.Marketing.Mode), explanation.Marketing.Rule);
        Assert.Equal(decision.Marketing.Reasons, explanation.Marketing.Reasons);
        Assert.Equal(Policy.Default.Marketing.HighValuePercentile, explanation.Marketing.HighValuePercentile);
        Assert.NotEmpty(explanation.Marketing.Traits);
        Assert.Equal(decision.Selection.Quadrant, explanation.Selection.Quadrant);
        Assert.Equal(decision.Selection.CapabilityMatch, explanation.Selection.CapabilityMatch);
        var books = Assert.Single(explanation.Selection.Categories, c => c.Category == "books");
        Assert.Equal(Policy.Default.Capabilities.Categories.Contains("books"), books.Served);
        Assert.Equal(decision.Actions.Select(a => a.Action), explanation.Actions.Where(a => a.Status == "offered").Select(a => a.Action));
        Assert.Equal(decision.Withheld.Count, explanation.Actions.Count(a => a.Status == "withheld"));
        Assert.Equal(decision.HeldBack.Count, explanation.Actions.Count(a => a.Status == "heldBack"));
        Assert.All(explanation.Actions, a => Assert.Equal(a.Reasons[0].Rule, a.Rule));
        Assert.Equal(decision.PolicyVersion, explanation.PolicyVersion);
    }

    [Fact]
    public void A_lapsed_customer_is_explained_by_the_churn_rule_with_the_purchase_dates_it_read()
    {
        var h = new History("lapsed").Purchases(T0, count: 4, everyDays: 14);
        var last = T0.AddDays(42);
        var rules = Uncalibrated();

        var stage = Explain(rules, h, last.AddDays(400)).Stage;

        Assert.Equal(LifecycleStage.Churned, stage.Stage);
        Assert.Equal("lifecycle.churn.pAlive", stage.Rule);
        Assert.Equal(last, stage.Dates.LastPurchaseAt);
        Assert.Equal(T0, stage.Dates.FirstPurchaseAt);
        Assert.Equal(3, stage.RepeatPurchases);
        Assert.True(stage.PAlive < stage.Thresholds.ChurnPAlive, $"P(alive) {stage.PAlive}");
        Assert.Equal(400, stage.DaysSinceLastPurchase!.Value, 6);
    }

    private static List<LoggedEvent> Logged(History h) => [.. h.Events.Select((e, i) => new LoggedEvent(i + 1, e))];

    [Fact]
    public void The_timeline_lists_each_event_with_the_stage_changes_it_caused_in_order()
    {
        var h = Call(new History("path"), T0, "call-1").Purchase(T0.AddDays(1)).Purchase(T0.AddDays(20)).Contact(T0.AddDays(21));

        var timeline = CustomerTimeline.Of("path", Logged(h), Uncalibrated(), T0.AddDays(22), after: 0, limit: 10, ex => throw ex);

        Assert.Equal([1L, 2, 3, 4], timeline.Events.Select(e => e.Sequence));
        Assert.Equal(["contact", "purchase", "purchase", "contact"], timeline.Events.Select(e => e.Type));
        Assert.Equal(h.Events.Select(e => e.EventId), timeline.Events.Select(e => e.EventId));
        string[] StageChange(TimelineEntry entry) =>
            entry.ByEvent.Where(c => c.Aspect == "stage").Select(c => $"{c.From}->{c.To}").ToArray();
        Assert.Equal(["->prospect"], StageChange(timeline.Events[0]));
        Assert.Equal(["prospect->exploration"], StageChange(timeline.Events[1]));
        Assert.Equal(["exploration->formation"], StageChange(timeline.Events[2]));
        Assert.Empty(StageChange(timeline.Events[3]));
        var exploration = Assert.Single(timeline.Events[1].ByEvent, c => c.Aspect == "stage");
        Assert.Equal("lifecycle.exploration", exploration.Reasons[0].Rule);
        // A prospect who spent an hour on the phone costs money: tier D, with the rule that says why.
        var tier = Assert.Single(timeline.Events[0].ByEvent, c => c.Aspect == "tier");
        Assert.Equal((null, "D", "tier.D"), (tier.From, tier.To, tier.Reasons[0].Rule));
        Assert.All(timeline.Events, e => Assert.NotNull(e.After.MarketingMode));
        Assert.Null(timeline.NextCursor);
        Assert.Equal(4, timeline.TotalEvents);
    }

    [Fact]
    public void Pages_of_the_timeline_join_into_the_whole_and_time_alone_shows_before_the_next_event()
    {
        var h = new History("paged").Purchases(T0, count: 4, everyDays: 14);
        var last = T0.AddDays(42);
        h.Purchase(last.AddDays(500));
        var rules = Uncalibrated();
        var now = last.AddDays(501);

        var whole = CustomerTimeline.Of("paged", Logged(h), rules, now, 0, 10, ex => throw ex);
        var pages = new List<TimelineEntry>();
        long after = 0;
        for (var page = 0; page < 10; page++)
        {
            var part = CustomerTimeline.Of("paged", Logged(h), rules, now, after, 2, ex => throw ex);
            pages.AddRange(part.Events);
            if (part.NextCursor is not { } next)
            {
                break;
            }
            after = next;
        }

        Assert.Equal(whole.Events, pages, (x, y) => x.Sequence == y.Sequence && x.After == y.After
            && x.ByTime.Select(c => c.To).SequenceEqual(y.ByTime.Select(c => c.To))
            && x.ByEvent.Select(c => c.To).SequenceEqual(y.ByEvent.Select(c => c.To)));
        // Over a year without a purchase churned the customer: time did that, noticed before the late purchase applied;
        // the purchase itself brought them back.
        var late = whole.Events[^1];
        Assert.Contains(late.ByTime, c => c.Aspect == "stage" && c.To == "churned" && c.Reasons[0].Rule == "lifecycle.churn.pAlive");
        Assert.Contains(late.ByEvent, c => c.Aspect == "stage" && c.From == "churned" && c.To != "churned");
        Assert.DoesNotContain(whole.Events.SkipLast(1), e => e.ByTime.Count > 0);
    }

    [Fact]
    public void What_time_alone_changed_after_the_last_event_is_on_the_last_page()
    {
        var h = new History("quiet").Purchases(T0, count: 4, everyDays: 14);
        var rules = Uncalibrated();

        var soon = CustomerTimeline.Of("quiet", Logged(h), rules, T0.AddDays(43), 0, 10, ex => throw ex);
        var late = CustomerTimeline.Of("quiet", Logged(h), rules, T0.AddDays(600), 0, 10, ex => throw ex);

        Assert.DoesNotContain(soon.SinceLastEvent, c => c.Aspect == "stage");
        var churn = Assert.Single(late.SinceLastEvent, c => c.Aspect == "stage");
        Assert.Equal("churned", churn.To);
        Assert.Equal("lifecycle.churn.pAlive", churn.Reasons[0].Rule);
    }

    [Fact]
    public void Applying_an_event_through_the_engine_rules_records_first_what_time_alone_changed_then_what_the_event_changed()
    {
        var rules = Uncalibrated();
        var late = T0.AddDays(600);
        var h = new History("replay").Purchases(T0, count: 4, everyDays: 14).Purchase(late);
        var replayed = new CustomerState("replay");

        foreach (var e in h.Events)
        {
            rules.Apply(replayed, e, ex => throw ex);
        }

        // The lapse that time alone caused is noticed only at the late purchase: it is recorded just before it, so the
        // purchase ends it as a win-back.
        var churn = Assert.Single(replayed.StageHistory, t => t.To == LifecycleStage.Churned);
        Assert.Equal((LifecycleStage.Formation, late.AddTicks(-1)), (churn.From, churn.At));
        Assert.Equal(churn, replayed.StageHistory[^2]);
        var back = replayed.StageHistory[^1];
        Assert.Equal((LifecycleStage.Churned, LifecycleStage.Formation, true, late), (back.From, back.To, back.WinBack, back.At));
    }

    [Fact]
    public void The_CLV_explanation_gives_the_interval_of_a_model_with_stored_uncertainty_and_says_when_there_is_none()
    {
        var buyer = new History("sure").Purchases(T0, count: 5, everyDays: 21, amount: 60m);
        var prospect = new History("prospect").Consent(T0, ConsentChannel.Phone);
        var plain = Uncalibrated();
        var model = plain.Scoring.Model;
        var bgNbd = new ParameterUncertainty(ParameterUncertainty.BgNbdNames, ValueConfidence.EstimatesOf(model.PurchaseModel),
            [[0.0027, 0.0031, 0, 0], [0.0031, 0.0074, 0, 0], [0, 0, 0.055, 0.07], [0, 0, 0.07, 0.085]]);
        var g = model.GammaGammaParameters;
        var spend = new ParameterUncertainty(ParameterUncertainty.GammaGammaNames, [g.P, g.Q, g.Gamma], [[0.036, 0, 0], [0, 0.006, 0], [0, 0, 0.07]]);
        var sure = plain with { Scoring = plain.Scoring with { Confidence = new ValueConfidence(model, bgNbd, spend) } };

        var without = Explain(plain, buyer).Tier;
        var with = Explain(sure, buyer).Tier;

        Assert.Null(without.Clv.Intervals);
        Assert.Contains(without.Reasons, r => r.Rule == "value.clv.noInterval");
        var intervals = with.Clv.Intervals!;
        Assert.Equal(sure.Scoring.Intervals(buyer.State, Now, sure.Scoring.Score(buyer.State, Now)), intervals);
        Assert.InRange(with.Clv.Clv, intervals.Clv.Low, intervals.Clv.High);
        Assert.True(intervals.Clv.Low < intervals.Clv.High);
        Assert.StartsWith("90% interval from the uncertainty of model cdnow-2005-default's fitted parameters: CLV ",
            with.Reasons.Single(r => r.Rule == "value.clv.interval").Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Explain(sure, prospect).Tier.Reasons, r => r.Rule.StartsWith("value.clv.", StringComparison.Ordinal) && r.Rule != "value.clv.prospect");
    }
}
