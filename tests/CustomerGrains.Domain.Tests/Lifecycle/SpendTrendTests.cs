using CustomerGrains.Domain.Lifecycle;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Lifecycle;

/// <summary>
/// The spend trend: the last purchases' intervals and amounts against the customer's own earlier history. A falling
/// trend is decline even while P(alive) is high; a rising one is the rising value of formation.
/// </summary>
public sealed class SpendTrendTests
{
    private static LifecycleView Evaluate(History h, DateTimeOffset now, double pAlive) =>
        LifecycleEvaluator.Evaluate(h.State, now, pAlive, new LifecycleOptions());

    private static Reason? Fired(LifecycleView view, string rule) => view.Reasons.FirstOrDefault(r => r.Rule == rule);

    [Fact]
    public void A_customer_who_buys_less_and_less_often_than_in_their_own_history_is_declining_and_told_why()
    {
        // Monthly at 100 for eight months, then every sixty days at 30.
        var h = new History().Purchases(T0, count: 9, everyDays: 30).Purchases(T0.AddDays(300), count: 3, everyDays: 60, amount: 30m);

        var view = Evaluate(h, T0.AddDays(425), pAlive: 0.9);

        Assert.Equal(LifecycleStage.Decline, view.Stage);
        var reason = Fired(view, "lifecycle.decline.spendTrend");
        Assert.NotNull(reason);
        Assert.Contains("spend trend down: the last 3 purchases came every 60 days at 30 on average, against every 30 days at 100 before",
            reason.Text, StringComparison.Ordinal);
        Assert.Equal(0.15, view.SpendTrend!.Ratio, 3);
    }

    [Fact]
    public void A_customer_buying_as_they_always_have_has_a_flat_trend_and_stays_stable()
    {
        var h = new History().Purchases(T0, count: 12, everyDays: 30);
        var now = T0.AddDays(335);
        h.State.RecordStage(Evaluate(h, now.AddDays(-60), pAlive: 0.9), now.AddDays(-60));

        var view = Evaluate(h, now, pAlive: 0.9);

        Assert.Equal(LifecycleStage.Stability, view.Stage);
        Assert.Equal(1.0, view.SpendTrend!.Ratio, 9);
        Assert.Null(Fired(view, "lifecycle.decline.spendTrend"));
    }

    [Fact]
    public void A_christmas_only_buyer_spending_as_every_year_shows_no_falling_trend()
    {
        var h = new History().Purchases(new DateTimeOffset(2019, 12, 20, 10, 0, 0, TimeSpan.Zero), count: 7, everyDays: 365, amount: 250m);

        var view = Evaluate(h, new DateTimeOffset(2026, 6, 20, 10, 0, 0, TimeSpan.Zero), pAlive: 0.9);

        Assert.NotEqual(LifecycleStage.Decline, view.Stage);
        Assert.Equal(1.0, view.SpendTrend!.Ratio, 2);
    }

    [Fact]
    public void A_customer_in_formation_buying_more_and_more_often_shows_rising_value()
    {
        // Every sixty days at 50, then every twenty days at 100; P(alive) short of stability's 0.7.
        var h = new History().Purchases(T0, count: 3, everyDays: 60, amount: 50m).Purchases(T0.AddDays(140), count: 3, everyDays: 20, amount: 100m);

        var view = Evaluate(h, T0.AddDays(185), pAlive: 0.6);

        Assert.Equal(LifecycleStage.Formation, view.Stage);
        var reason = Fired(view, "lifecycle.formation.risingValue");
        Assert.NotNull(reason);
        Assert.Contains("value rising: the last 3 purchases came every 20 days at 100 on average, against every 60 days at 50 before", reason.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_history_too_short_to_compare_has_no_trend_and_no_trend_rule()
    {
        var h = new History().Purchases(T0, count: 4, everyDays: 30).Purchase(T0.AddDays(200), amount: 5m);

        var view = Evaluate(h, T0.AddDays(201), pAlive: 0.9);

        Assert.Null(view.SpendTrend);
        Assert.Null(Fired(view, "lifecycle.decline.spendTrend"));
    }

    [Fact]
    public void After_a_win_back_the_trend_compares_only_the_new_relationship()
    {
        // Big spender, then a lapse recorded as churn, then a modest new relationship.
        var h = new History().Purchases(T0, count: 6, everyDays: 30, amount: 500m);
        h.State.RecordStage(Evaluate(h, T0.AddDays(400), pAlive: 0.1), T0.AddDays(400));
        h.Purchases(T0.AddDays(410), count: 6, everyDays: 30, amount: 40m);

        var view = Evaluate(h, T0.AddDays(565), pAlive: 0.9);

        Assert.NotEqual(LifecycleStage.Decline, view.Stage);
        Assert.Equal(1.0, view.SpendTrend!.Ratio, 9);
    }
}
