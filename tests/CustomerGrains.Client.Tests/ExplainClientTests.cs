using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Testing;

namespace CustomerGrains.Client.Tests;

/// <summary>A backend service asks why through the typed client: the explanation, then and now, and the timeline.</summary>
public sealed class ExplainClientTests(ConnectedService connected) : IClassFixture<ConnectedService>
{
    private static readonly DateTimeOffset Day = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string customer = "why-" + Guid.NewGuid().ToString("N")[..8];
    private ICustomerGrainsClient Client => connected.Client;

    private PurchaseMade Purchase(string eventId, DateTimeOffset at, decimal amount) => new()
    {
        EventId = eventId, CustomerId = customer, OccurredAt = at, Source = "shop", OrderId = $"o-{eventId}", Amount = amount, Currency = "EUR",
        Lines = [new PurchaseLine("books", 1, amount)], Channel = Channel.Web,
    };

    [Fact]
    public async Task A_service_gets_the_explanation_of_then_and_now_and_the_timeline_of_what_each_purchase_changed()
    {
        await Client.IngestAsync([Purchase($"{customer}-1", Day, 50m), Purchase($"{customer}-2", Day.AddDays(20), 70m)], Ct);
        await Eventually.UntilAsync(() => Client.GetCustomerAsync(customer, cancellationToken: Ct), s => s?.AppliedEvents == 2, "both purchases to be applied");

        var then = await Client.ExplainAsync(customer, Day.AddDays(10), cancellationToken: Ct);
        var now = await Client.ExplainAsync(customer, cancellationToken: Ct);
        var timeline = await Client.GetTimelineAsync(customer, cancellationToken: Ct);
        var secondPage = await Client.GetTimelineAsync(customer, after: 1, limit: 1, cancellationToken: Ct);

        Assert.Equal((LifecycleStage.Exploration, "lifecycle.exploration", true, 1), (then!.Stage.Stage, then.Stage.Rule, then.Replayed, then.EventsApplied));
        Assert.False(now!.Replayed);
        Assert.Equal(1, now.Tier.Clv.RepeatPurchases);
        Assert.StartsWith("tier.", now.Tier.Rule, StringComparison.Ordinal);
        Assert.Equal([1L, 2], timeline!.Events.Select(e => e.Sequence));
        Assert.Contains(timeline.Events[1].ByEvent, c => c is { Aspect: "stage", From: "exploration" });
        Assert.Equal(2L, Assert.Single(secondPage!.Events).Sequence);
        Assert.Null(await Client.ExplainAsync(customer + "-nobody", cancellationToken: Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.ExplainAsync(customer, DateTimeOffset.UtcNow.AddDays(1), cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.GetTimelineAsync(customer, limit: 0, cancellationToken: Ct));
    }
}
