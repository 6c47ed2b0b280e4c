using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Tests.Customers;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Grains.Tests.Maintenance;

/// <summary>
/// The lifecycle sweep on a silo whose clock the test moves: customers who stop buying decline and churn
/// with no event at all, the sweep notices it, raises the alert that <c>GET /api/alerts</c> lists and records
/// the transition with its reasons; a customer whose change is not due yet is left alone.
/// </summary>
public sealed class LifecycleSweepTests
{
    /// <summary>The last purchase of both customers; the silo's clock starts five days later.</summary>
    private static readonly DateTimeOffset LastPurchase = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>150 EUR every <paramref name="everyDays"/> days, the last on <see cref="LastPurchase"/>.</summary>
    private static PurchaseMade[] Purchases(string customer, int count, int everyDays) =>
        [.. Enumerable.Range(0, count).Select(i => new PurchaseMade
        {
            EventId = $"{customer}-{i}", CustomerId = customer, OccurredAt = LastPurchase.AddDays(-everyDays * (count - 1 - i)),
            Source = "shop", OrderId = $"{customer}-o{i}", Amount = 150m, Currency = "EUR",
        })];

    [Fact]
    public async Task A_valuable_customer_who_stops_buying_is_alerted_as_declining_then_churned_while_one_not_yet_due_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("sweep");
        var clock = new Calendar(LastPurchase.AddDays(5));
        await using var engine = await EngineCluster.StartAsync(data.Path, time: clock);
        var alerts = engine.SiloServices.GetRequiredService<ICustomerAlerts>();
        var sweep = engine.Client.GetGrain<IMaintenanceGrain>(0);

        // Monthly for a year: stable, and past due once a few months go by without a purchase.
        var monthly = "sweep-monthly-" + Guid.NewGuid().ToString("N")[..6];
        // Every five months for two years: just as stable, but such a gap is this customer's own rhythm.
        var slow = "sweep-slow-" + Guid.NewGuid().ToString("N")[..6];
        await engine.Log.AppendAsync([.. Purchases(monthly, 13, 30), .. Purchases(slow, 6, 150)], ct);
        foreach (var (customer, events) in new[] { (monthly, 13), (slow, 6) })
        {
            var grain = engine.Client.GetGrain<ICustomerGrain>(customer);
            var snapshot = await grain.GetSnapshotAsync();   // activation catches up from the log
            Assert.Equal(events, snapshot!.AppliedEvents);
            Assert.Equal(LifecycleStage.Stability, snapshot.Lifecycle!.Stage);
            Assert.Equal(LifecycleStage.Stability, snapshot.StageHistory[^1].To);
            // Deactivation writes the snapshot and the read-model row the sweep selects customers by.
            await engine.DeactivateAsync(grain);
        }

        // 130 days without a purchase: no event arrives, time alone moves the monthly buyer.
        clock.SetUtcNow(LastPurchase.AddDays(130));
        var declinedAt = clock.GetUtcNow();
        await sweep.SweepLifecycleAsync();

        var monthlyAlerts = await alerts.ReadAsync(0, 100, monthly, ct);
        var decline = Assert.Single(monthlyAlerts);
        Assert.Equal(("stageChangedByTime", "stability", "decline", declinedAt), (decline.Kind, decline.FromStage, decline.ToStage, decline.At));
        Assert.Contains("P(alive)", decline.Reasons, StringComparison.Ordinal);
        Assert.Empty(await alerts.ReadAsync(0, 100, slow, ct));

        var monthlySnapshot = await engine.Client.GetGrain<ICustomerGrain>(monthly).GetSnapshotAsync();
        var transition = monthlySnapshot!.StageHistory[^1];
        Assert.Equal((LifecycleStage.Stability, LifecycleStage.Decline, declinedAt, false), (transition.From, transition.To, transition.At, transition.WinBack));
        // The history keeps each rule with its text; the alert carries the texts.
        Assert.Contains("lifecycle.decline.pAlive: ", transition.Reason, StringComparison.Ordinal);
        Assert.Contains(decline.Reasons, transition.Reason, StringComparison.Ordinal);
        Assert.Contains("below the decline threshold", transition.Reason, StringComparison.Ordinal);
        var slowSnapshot = await engine.Client.GetGrain<ICustomerGrain>(slow).GetSnapshotAsync();
        Assert.Equal(LifecycleStage.Stability, slowSnapshot!.Lifecycle!.Stage);
        Assert.Equal(LifecycleStage.Stability, slowSnapshot.StageHistory[^1].To);
        Assert.Contains(slowSnapshot.Lifecycle.Reasons, r => r.Rule == "lifecycle.stability.kept");

        // 200 days: the monthly buyer has churned; the slow one is still within a gap it has made before.
        clock.SetUtcNow(LastPurchase.AddDays(200));
        var churnedAt = clock.GetUtcNow();
        await sweep.SweepLifecycleAsync();

        monthlyAlerts = await alerts.ReadAsync(0, 100, monthly, ct);
        Assert.Equal(2, monthlyAlerts.Count);
        Assert.Equal(("decline", "churned", churnedAt), (monthlyAlerts[1].FromStage, monthlyAlerts[1].ToStage, monthlyAlerts[1].At));
        Assert.Contains("below the churn threshold", monthlyAlerts[1].Reasons, StringComparison.Ordinal);
        monthlySnapshot = await engine.Client.GetGrain<ICustomerGrain>(monthly).GetSnapshotAsync();
        Assert.Equal(
            [(LifecycleStage.Stability, LifecycleStage.Decline, declinedAt), (LifecycleStage.Decline, LifecycleStage.Churned, churnedAt)],
            monthlySnapshot!.StageHistory.TakeLast(2).Select(t => (t.From!.Value, t.To, t.At)));
        Assert.Empty(await alerts.ReadAsync(0, 100, slow, ct));

        // Long past its own rhythm the slow buyer's turn comes too.
        clock.SetUtcNow(LastPurchase.AddDays(450));
        await sweep.SweepLifecycleAsync();
        var slowAlert = Assert.Single(await alerts.ReadAsync(0, 100, slow, ct));
        Assert.Equal(("stability", "decline"), (slowAlert.FromStage, slowAlert.ToStage));
        Assert.Equal(2, (await alerts.ReadAsync(0, 100, monthly, ct)).Count);
    }

    [Fact]
    public async Task An_administrators_sweep_reviews_the_due_customers_at_once_however_slow_the_scheduled_sweeps_are_paced()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("sweep-now");
        var clock = new Calendar(LastPurchase.AddDays(5));
        // Scheduled sweeps would review one customer a second, 60 per two-minute sweep: a call paced like them would take
        // a minute and time out.
        await using var engine = await EngineCluster.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Maintenance:SweepRate"] = "1", ["Maintenance:LifecycleSweepInterval"] = "00:02:00",
        }, clock);
        var alerts = engine.SiloServices.GetRequiredService<ICustomerAlerts>();
        var prefix = "sweep-now-" + Guid.NewGuid().ToString("N")[..6];
        var customers = Enumerable.Range(0, 60).Select(i => $"{prefix}-{i:D2}").ToList();
        await engine.Log.AppendAsync([.. customers.SelectMany(c => Purchases(c, 13, 30))], ct);
        await Task.WhenAll(customers.Select(async customer =>
        {
            var grain = engine.Client.GetGrain<ICustomerGrain>(customer);
            Assert.Equal(13, (await grain.GetSnapshotAsync())!.AppliedEvents);
            await engine.DeactivateAsync(grain);
        }));

        clock.SetUtcNow(LastPurchase.AddDays(130));
        Assert.Equal(60, await engine.Client.GetGrain<IMaintenanceGrain>(0).SweepLifecycleAsync());

        foreach (var customer in customers)
        {
            var alert = Assert.Single(await alerts.ReadAsync(0, 100, customer, ct));
            Assert.Equal(("stability", "decline"), (alert.FromStage, alert.ToStage));
        }
    }
}
