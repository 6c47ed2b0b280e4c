using System.Text.Json;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.State;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Lifecycle;

public sealed class LifecycleEvaluatorTests
{
    private static readonly LifecycleOptions Options = new();

    private static LifecycleView Evaluate(History h, DateTimeOffset now, double pAlive) =>
        LifecycleEvaluator.Evaluate(h.State, now, pAlive, Options);

    /// <summary>Evaluates and records, as the grain does after an event or on a sweep.</summary>
    private static LifecycleView Record(History h, DateTimeOffset now, double pAlive)
    {
        var view = Evaluate(h, now, pAlive);
        h.State.RecordStage(view, now);
        return view;
    }

    private static bool Fired(LifecycleView view, string rule) => view.Reasons.Any(r => r.Rule == rule);

    /// <summary>Monthly purchases over eight months: a stable customer by the default thresholds.</summary>
    private static History StableMonthlyBuyer() => new History().Purchases(T0, count: 9, everyDays: 30);

    private static readonly DateTimeOffset LastMonthly = T0.AddDays(8 * 30);

    [Fact]
    public void A_known_customer_without_purchases_is_a_prospect()
    {
        var view = Evaluate(new History().Contact(T0), T0.AddDays(1), pAlive: 0.1);

        Assert.Equal(LifecycleStage.Prospect, view.Stage);
        Assert.True(Fired(view, "lifecycle.prospect"));
    }

    [Fact]
    public void A_first_purchase_starts_exploration()
    {
        var view = Evaluate(new History().Purchase(T0), T0.AddDays(3), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Exploration, view.Stage);
    }

    [Fact]
    public void Several_purchases_on_one_day_are_still_exploration()
    {
        var view = Evaluate(new History().Purchase(T0).Purchase(T0.AddHours(2)), T0.AddDays(3), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Exploration, view.Stage);
    }

    [Fact]
    public void A_repeat_purchase_moves_to_formation_and_the_review_waits_for_the_stability_tenure()
    {
        var view = Evaluate(new History().Purchases(T0, count: 3, everyDays: 20), T0.AddDays(45), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Formation, view.Stage);
        Assert.True(Fired(view, "lifecycle.formation"));
        // No deadline before the tenure: the periodic review, within the review interval.
        Assert.InRange(view.NextReviewAt, T0.AddDays(45) + Options.ReviewInterval * 0.75, T0.AddDays(46));
    }

    [Fact]
    public void Customers_changed_in_the_same_minute_fall_due_for_review_over_a_quarter_of_the_interval_each_always_at_the_same_time()
    {
        var now = T0.AddDays(45);
        var reviews = Enumerable.Range(0, 500)
            .Select(i => Evaluate(new History($"seeded-{i:D7}").Purchases(T0, count: 3, everyDays: 20), now, pAlive: 0.9).NextReviewAt)
            .ToList();

        Assert.All(reviews, r => Assert.InRange(r, now + TimeSpan.FromHours(18), now + TimeSpan.FromHours(24)));
        // Spread over the six hours, not bunched: no hour of the six holds more than a quarter of them.
        var perHour = reviews.GroupBy(r => (int)(r - now).TotalHours).ToList();
        Assert.Equal(6, perHour.Count);
        Assert.All(perHour, g => Assert.InRange(g.Count(), 40, 125));
        // The same customer is due at the same time whenever and wherever it is evaluated.
        Assert.Equal(reviews[17], Evaluate(new History("seeded-0000017").Purchases(T0, count: 3, everyDays: 20), now, pAlive: 0.9).NextReviewAt);
    }

    [Fact]
    public void Sustained_repeat_buying_past_the_tenure_with_high_p_alive_is_stability()
    {
        var view = Evaluate(StableMonthlyBuyer(), LastMonthly.AddDays(5), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Stability, view.Stage);
        Assert.True(Fired(view, "lifecycle.stability"));
    }

    [Fact]
    public void Enough_repeats_but_a_middling_p_alive_stays_in_formation()
    {
        var view = Evaluate(StableMonthlyBuyer(), LastMonthly.AddDays(5), pAlive: 0.6);

        Assert.Equal(LifecycleStage.Formation, view.Stage);
    }

    [Fact]
    public void A_stable_customer_declines_then_churns_by_the_passing_of_time_alone()
    {
        var h = StableMonthlyBuyer();
        Record(h, LastMonthly.AddDays(5), pAlive: 0.9);

        var declining = Record(h, LastMonthly.AddDays(120), pAlive: 0.35);
        var churned = Record(h, LastMonthly.AddDays(400), pAlive: 0.05);

        Assert.Equal(LifecycleStage.Decline, declining.Stage);
        Assert.True(Fired(declining, "lifecycle.decline.pAlive"));
        Assert.Equal(LifecycleStage.Churned, churned.Stage);
        Assert.True(Fired(churned, "lifecycle.churn.pAlive"));
        Assert.Equal(
            [(null, LifecycleStage.Stability), (LifecycleStage.Stability, LifecycleStage.Decline), (LifecycleStage.Decline, LifecycleStage.Churned)],
            h.State.StageHistory.Select(t => (t.From, t.To)));
        Assert.Equal(LastMonthly.AddDays(400), h.State.StageHistory[^1].At);
        Assert.Contains("churn threshold", h.State.StageHistory[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sweep_that_finds_no_change_records_nothing()
    {
        var h = StableMonthlyBuyer();
        var first = Evaluate(h, LastMonthly.AddDays(120), pAlive: 0.35);
        Assert.True(first.Changed);
        Assert.True(h.State.RecordStage(first, LastMonthly.AddDays(120)));

        var again = Evaluate(h, LastMonthly.AddDays(121), pAlive: 0.34);

        Assert.False(again.Changed);
        Assert.False(h.State.RecordStage(again, LastMonthly.AddDays(121)));
        Assert.Single(h.State.StageHistory);
        Assert.Equal(LastMonthly.AddDays(120), again.Since);
    }

    [Fact]
    public void A_christmas_only_buyer_is_not_declining_in_june_but_is_after_missing_a_christmas()
    {
        var h = new History();
        foreach (var year in new[] { 2023, 2024, 2025 })
        {
            h.Purchase(new DateTimeOffset(year, 12, 20, 15, 0, 0, TimeSpan.Zero));
        }

        var june = Evaluate(h, new DateTimeOffset(2026, 6, 20, 0, 0, 0, TimeSpan.Zero), pAlive: 0.3);
        var february = Evaluate(h, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), pAlive: 0.3);

        Assert.NotEqual(LifecycleStage.Decline, june.Stage);
        Assert.True(june.WithinOwnRhythm);
        Assert.True(Fired(june, "lifecycle.rhythm"));
        Assert.Equal(LifecycleStage.Decline, february.Stage);
        Assert.False(february.WithinOwnRhythm);
    }

    [Fact]
    public void The_own_rhythm_also_holds_off_churn()
    {
        var h = new History().Purchases(T0, count: 3, everyDays: 200);

        var view = Evaluate(h, T0.AddDays(400 + 150), pAlive: 0.1);

        Assert.Equal(LifecycleStage.Formation, view.Stage);
        Assert.True(view.WithinOwnRhythm);
    }

    [Fact]
    public void An_explicit_cancellation_is_churn_whatever_p_alive_says()
    {
        var view = Evaluate(StableMonthlyBuyer().Cancel(LastMonthly.AddDays(2), "moving abroad"), LastMonthly.AddDays(3), pAlive: 0.95);

        Assert.Equal(LifecycleStage.Churned, view.Stage);
        Assert.Contains("moving abroad", Assert.Single(view.Reasons, r => r.Rule == "lifecycle.churn.cancelled").Text, StringComparison.Ordinal);
    }

    private static History Subscribed(History h, DateTimeOffset at, string id = "s-1") => h.Apply(new SubscriptionStarted
    {
        EventId = $"{id}-start", CustomerId = "c-1", OccurredAt = at, Source = "billing",
        SubscriptionId = id, Plan = "Fiber", MonthlyCharge = 60m, ContractMonths = 1,
    });

    private static History Unsubscribed(History h, DateTimeOffset at, string id = "s-1", string? reason = null) => h.Apply(new SubscriptionCancelled
    {
        EventId = $"{id}-end", CustomerId = "c-1", OccurredAt = at, Source = "billing", SubscriptionId = id, Reason = reason,
    });

    [Fact]
    public void A_subscriber_who_buys_nothing_else_moves_through_the_stages_by_the_subscriptions_tenure()
    {
        var h = Subscribed(new History().Contact(T0), T0);

        // Half a day before each boundary, so that the boundary (not the daily review) is the next review.
        var firstMonth = Evaluate(h, T0.AddMonths(1).AddHours(-12), pAlive: 0.1);
        var formation = Evaluate(h, T0 + Options.StabilityTenure - TimeSpan.FromHours(12), pAlive: 0.1);
        var ninthMonth = Evaluate(h, T0.AddMonths(9), pAlive: 0.1);

        Assert.Equal((LifecycleStage.Exploration, "lifecycle.exploration.subscription"), (firstMonth.Stage, firstMonth.Reasons[0].Rule));
        Assert.Equal(T0.AddMonths(1), firstMonth.NextReviewAt);
        Assert.Equal((LifecycleStage.Formation, "lifecycle.formation.subscription"), (formation.Stage, formation.Reasons[0].Rule));
        Assert.Equal(T0 + Options.StabilityTenure, formation.NextReviewAt);
        Assert.Equal((LifecycleStage.Stability, "lifecycle.stability.subscription"), (ninthMonth.Stage, ninthMonth.Reasons[0].Rule));
        Assert.Contains("Fiber, 9 month(s)", ninthMonth.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_subscription_keeps_a_customer_whose_purchases_lapsed_out_of_decline_and_churn()
    {
        var h = Subscribed(StableMonthlyBuyer(), T0.AddDays(30));
        var later = LastMonthly.AddDays(400);

        var subscriber = Evaluate(h, later, pAlive: 0.05);
        var buyerOnly = Evaluate(StableMonthlyBuyer(), later, pAlive: 0.05);

        Assert.Equal(LifecycleStage.Churned, buyerOnly.Stage);
        Assert.Equal(LifecycleStage.Formation, subscriber.Stage);
        Assert.Contains("running subscription", Assert.Single(subscriber.Reasons, r => r.Rule == "lifecycle.contractual").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subscriber_with_a_complaint_open_too_long_declines()
    {
        var h = Subscribed(new History(), T0).ComplaintOpened(T0.AddDays(40), "k-1");

        var view = Evaluate(h, T0.AddDays(40) + Options.UnresolvedComplaintAge + TimeSpan.FromDays(1), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Decline, view.Stage);
        Assert.True(Fired(view, "lifecycle.decline.complaint"));
    }

    [Fact]
    public void Cancelling_the_last_running_subscription_is_churn_and_a_later_purchase_wins_the_customer_back()
    {
        var h = Unsubscribed(Subscribed(Subscribed(new History(), T0), T0.AddDays(20), "s-2"), T0.AddMonths(4), reason: "price");
        var oneLeft = Evaluate(h, T0.AddMonths(5), pAlive: 0.9);
        Unsubscribed(h, T0.AddMonths(6), "s-2", "moved");

        var churned = Record(h, T0.AddMonths(6).AddDays(1), pAlive: 0.9);
        h.Purchase(T0.AddMonths(8));
        var back = Evaluate(h, T0.AddMonths(8).AddDays(1), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Formation, oneLeft.Stage);
        Assert.Equal(LifecycleStage.Churned, churned.Stage);
        Assert.Contains("(moved)", Assert.Single(churned.Reasons, r => r.Rule == "lifecycle.churn.subscriptionEnded").Text, StringComparison.Ordinal);
        Assert.NotEqual(LifecycleStage.Churned, back.Stage);
        Assert.True(back.IsWinBack);
    }

    [Fact]
    public void A_purchase_after_churn_is_a_win_back_to_formation_recorded_as_such()
    {
        var h = StableMonthlyBuyer();
        Record(h, LastMonthly.AddDays(5), pAlive: 0.9);
        Record(h, LastMonthly.AddDays(400), pAlive: 0.05);
        var back = LastMonthly.AddDays(430);
        h.Purchase(back);

        var view = Record(h, back, pAlive: 0.8);
        var later = Evaluate(h, back.AddDays(10), pAlive: 0.8);

        Assert.Equal(LifecycleStage.Formation, view.Stage);
        Assert.True(view.IsWinBack);
        Assert.True(Fired(view, "lifecycle.winBack"));
        var transition = h.State.StageHistory[^1];
        Assert.Equal((LifecycleStage.Churned, LifecycleStage.Formation, true), (transition.From, transition.To, transition.WinBack));
        Assert.False(later.IsWinBack);
        Assert.Equal(LifecycleStage.Formation, later.Stage);
    }

    [Fact]
    public void A_won_back_customer_earns_stability_again_only_with_a_new_tenure()
    {
        var h = StableMonthlyBuyer();
        Record(h, LastMonthly.AddDays(400), pAlive: 0.05);
        var back = LastMonthly.AddDays(430);
        h.Purchase(back);
        Record(h, back, pAlive: 0.8);
        h.Purchases(back.AddDays(30), count: 3, everyDays: 30);

        var soon = Evaluate(h, back.AddDays(100), pAlive: 0.9);
        var afterTenure = Evaluate(h.Purchase(back.AddDays(185)), back.AddDays(190), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Formation, soon.Stage);
        Assert.Equal(LifecycleStage.Stability, afterTenure.Stage);
    }

    [Fact]
    public void A_purchase_after_a_cancellation_is_a_win_back_even_if_the_churn_was_never_recorded()
    {
        var h = new History().Purchase(T0).Cancel(T0.AddDays(10)).Purchase(T0.AddDays(40));

        var view = Evaluate(h, T0.AddDays(41), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Formation, view.Stage);
        Assert.True(view.IsWinBack);
        Assert.Equal(T0.AddDays(40).Date, view.EpisodeStartedAt!.Value.Date);
    }

    [Fact]
    public void A_complaint_left_open_past_its_grace_time_weakens_the_relationship()
    {
        var h = StableMonthlyBuyer().ComplaintOpened(LastMonthly.AddDays(1), "k-1");

        var early = LifecycleEvaluator.Evaluate(h.State, LastMonthly.AddDays(3), 0.9, Options with { ReviewInterval = TimeSpan.FromDays(30) });
        var late = Evaluate(h, LastMonthly.AddDays(9), pAlive: 0.9);
        var resolved = Evaluate(h.ComplaintResolved(LastMonthly.AddDays(10), "k-1"), LastMonthly.AddDays(11), pAlive: 0.9);

        Assert.NotEqual(LifecycleStage.Decline, early.Stage);
        Assert.Equal(LastMonthly.AddDays(8), early.NextReviewAt); // the sweep is due when the complaint becomes overdue
        Assert.Equal(LifecycleStage.Decline, late.Stage);
        Assert.True(Fired(late, "lifecycle.decline.complaint"));
        Assert.NotEqual(LifecycleStage.Decline, resolved.Stage);
    }

    [Fact]
    public void A_poor_survey_is_silent_dissatisfaction_that_weakens_the_relationship()
    {
        var h = StableMonthlyBuyer().Survey(LastMonthly, ExperienceDimension.Service, expectation: 8, experience: 4, importance: 9);

        var view = Evaluate(h, LastMonthly.AddDays(5), pAlive: 0.9);
        // Still buying monthly (a long pause would be a falling spend trend, decline of its own) when the survey has aged out.
        var monthsLater = Evaluate(h.Purchases(LastMonthly.AddDays(30), count: 7, everyDays: 30), LastMonthly.AddDays(211), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Decline, view.Stage);
        Assert.True(Fired(view, "lifecycle.decline.poorExperience"));
        Assert.NotEqual(LifecycleStage.Decline, monthsLater.Stage);
    }

    [Fact]
    public void A_worsening_experience_gap_weakens_the_relationship_even_when_not_yet_poor()
    {
        var h = StableMonthlyBuyer()
            .Survey(T0.AddDays(100), ExperienceDimension.Product, expectation: 6, experience: 9, importance: 10)
            .Survey(LastMonthly, ExperienceDimension.Product, expectation: 7, experience: 7, importance: 10);

        var view = Evaluate(h, LastMonthly.AddDays(5), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Decline, view.Stage);
        Assert.True(Fired(view, "lifecycle.decline.worseningExperience"));
    }

    [Fact]
    public void An_improving_experience_gap_does_not_weaken_it()
    {
        var h = StableMonthlyBuyer()
            .Survey(LastMonthly, ExperienceDimension.Product, expectation: 7, experience: 7, importance: 10)
            .Survey(T0.AddDays(100), ExperienceDimension.Product, expectation: 6, experience: 4, importance: 10);

        var view = Evaluate(h, LastMonthly.AddDays(5), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Stability, view.Stage);
    }

    [Fact]
    public void A_detractor_score_weakens_the_relationship()
    {
        var view = Evaluate(StableMonthlyBuyer().Nps(LastMonthly, 3), LastMonthly.AddDays(5), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Decline, view.Stage);
        Assert.True(Fired(view, "lifecycle.decline.detractor"));
    }

    [Fact]
    public void A_relationship_that_ends_without_a_repeat_purchase_ended_in_exploration()
    {
        var h = new History().Purchase(T0);
        Record(h, T0.AddDays(1), pAlive: 0.9);

        var view = Record(h, T0.AddDays(300), pAlive: 0.1);

        Assert.Equal(LifecycleStage.Churned, view.Stage);
        Assert.Equal(LifecyclePattern.EndedInExploration, view.Pattern);
    }

    [Fact]
    public void A_relationship_that_ends_before_stability_ended_in_formation()
    {
        var h = new History().Purchases(T0, count: 2, everyDays: 20);
        Record(h, T0.AddDays(21), pAlive: 0.9);
        Record(h, T0.AddDays(120), pAlive: 0.3);

        var view = Record(h, T0.AddDays(300), pAlive: 0.1);

        Assert.Equal(LifecyclePattern.EndedInFormation, view.Pattern);
    }

    [Fact]
    public void A_decline_soon_after_reaching_stability_is_early_decline_and_a_late_one_follows_long_stability()
    {
        var early = StableMonthlyBuyer();
        Record(early, LastMonthly, pAlive: 0.9);
        var late = StableMonthlyBuyer().Purchases(LastMonthly.AddDays(30), count: 14, everyDays: 30);
        Record(late, LastMonthly, pAlive: 0.9);
        var lateLast = LastMonthly.AddDays(14 * 30);

        var earlyDecline = Record(early, LastMonthly.AddDays(90), pAlive: 0.3);
        var stillStable = Evaluate(late, lateLast, pAlive: 0.9);
        var lateDecline = Record(late, lateLast.AddDays(90), pAlive: 0.3);

        Assert.Equal(LifecyclePattern.EarlyDeclineFromStability, earlyDecline.Pattern);
        Assert.Equal(LifecyclePattern.LongStability, stillStable.Pattern);
        Assert.Equal(LifecyclePattern.LongStability, lateDecline.Pattern);
        Assert.Equal(LifecyclePattern.LongStability, Evaluate(late, lateLast.AddDays(400), pAlive: 0.05).Pattern);
    }

    [Fact]
    public void The_transition_history_keeps_only_the_latest_transitions()
    {
        var h = new History().Purchases(T0, count: 2, everyDays: 1);
        var now = T0.AddDays(2);
        for (var i = 0; i < 30; i++)
        {
            now = now.AddDays(1);
            Record(h, now, pAlive: i % 2 == 0 ? 0.3 : 0.9);
        }

        Assert.Equal(CustomerState.StageHistoryLimit, h.State.StageHistory.Count);
        Assert.Equal(now, h.State.StageHistory[^1].At);
    }

    [Fact]
    public void The_recorded_lifecycle_and_need_statistics_survive_the_stored_json_form()
    {
        var h = StableMonthlyBuyer().Contact(T0.AddHours(9), Channel.Chat)
            .Purchase(LastMonthly.AddDays(1), 50, lines: new PurchaseLine("books", 2, 25));
        Record(h, LastMonthly.AddDays(120), pAlive: 0.35);

        var json = JsonSerializer.Serialize(h.State, InteractionJson.Options);
        var copy = JsonSerializer.Deserialize<CustomerState>(json, InteractionJson.Options)!;

        Assert.Equal(h.State.Stage, copy.Stage);
        Assert.Equal(h.State.StageHistory, copy.StageHistory);
        Assert.Equal(h.State.ContactHours, copy.ContactHours);
        Assert.Equal(h.State.CategoryAffinity, copy.CategoryAffinity);
        Assert.Equal(h.State.LongestPurchaseGapDays, copy.LongestPurchaseGapDays);
        Assert.Equal(Evaluate(h, LastMonthly.AddDays(121), 0.35).Stage, LifecycleEvaluator.Evaluate(copy, LastMonthly.AddDays(121), 0.35, Options).Stage);
        Assert.Contains("\"stage\":\"decline\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_report_every_problem_at_once()
    {
        var errors = new LifecycleOptions { ChurnPAlive = 0.6, DeclinePAlive = 0.5, RhythmTolerance = 0.5, StabilityMinRepeatPurchases = 0 }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("ChurnPAlive", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RhythmTolerance", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StabilityMinRepeatPurchases", StringComparison.Ordinal));
        Assert.Empty(new LifecycleOptions().Validate());
    }

    [Fact]
    public void P_alive_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluate(new History(), T0, pAlive: 1.5));
    }
}
