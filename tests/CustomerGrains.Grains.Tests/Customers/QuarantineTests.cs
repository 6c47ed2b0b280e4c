using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>No event can break a customer: one that cannot be applied is set aside, alerted, and the customer stays readable.</summary>
[Collection(EngineCollection.Name)]
public sealed class QuarantineTests(SharedEngine shared)
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static PurchaseMade Purchase(string customer, int n, decimal amount, decimal discount = 0) => new()
    {
        EventId = $"{customer}-{n}", CustomerId = customer, OccurredAt = T0.AddDays(n), Source = "test",
        OrderId = $"o{n}", Amount = amount, Discount = discount, Currency = "EUR",
    };

    [Fact]
    public async Task An_event_that_cannot_be_applied_is_quarantined_alerted_and_the_customer_stays_readable()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = shared.Engine;
        var id = "quarantine-" + Guid.NewGuid().ToString("N")[..8];
        var grain = engine.Client.GetGrain<ICustomerGrain>(id);

        // The log below the ingest's validation: amount and discount of 7e28 overflow the decimal sums half-way through
        // the purchase (the example of an event that bricked a customer). One arrives by catch-up, one by the stream.
        await engine.Log.AppendAsync([Purchase(id, 1, 100m), Purchase(id, 2, 7e28m, 7e28m)], ct);
        Assert.Equal(1, (await grain.GetSnapshotAsync())!.QuarantinedEvents);
        await engine.Log.AppendAsync([Purchase(id, 3, 50m), Purchase(id, 4, 7e28m, 7e28m)], ct);

        var snapshot = await Eventually.UntilAsync(() => grain.GetSnapshotAsync(), s => s?.QuarantinedEvents == 2, $"{id} to quarantine the second bad event");
        Assert.Equal((2, 150m, 2), (snapshot!.AppliedEvents, snapshot.Purchases.NetSpend, snapshot.Purchases.Purchases));
        Assert.NotNull(snapshot.Value);
        Assert.NotNull(await grain.GetDecisionAsync(new DecisionQuery { Channel = "phone" }));

        var alerts = await Eventually.UntilAsync(
            () => engine.SiloServices.GetRequiredService<ICustomerAlerts>().ReadAsync(0, 1000, id, ct),
            a => a.Count(x => x.Kind == "eventQuarantined") == 2, "both quarantine alerts");
        Assert.Contains(alerts, a => a.Reasons.Contains($"event {id}-2 (sequence 2)", StringComparison.Ordinal));

        // Back from its snapshot and the log, it is the same customer, and the bad events are not alerted again.
        await engine.DeactivateAsync(grain);
        var again = await Eventually.UntilAsync(() => grain.GetSnapshotAsync(), s => s is not null, $"{id} to come back");
        Assert.Equal((2, 150m, 2), (again!.AppliedEvents, again.Purchases.NetSpend, again.QuarantinedEvents));
    }
}
