using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Customers;

[Collection(EngineCollection.Name)]
public sealed class CustomerGrainStreamTests(SharedEngine shared)
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string customer = "g-" + Guid.NewGuid().ToString("N")[..10];
    private int next;

    private PurchaseMade Purchase(int day, decimal amount) => new()
    {
        EventId = $"{customer}-{++next}", CustomerId = customer, OccurredAt = T0.AddDays(day), Source = "test",
        OrderId = $"o{next}", Amount = amount, Currency = "EUR",
    };

    private Task<CustomerSnapshot?> WaitForAsync(int applied) =>
        Eventually.UntilAsync(
            () => shared.Engine.Client.GetGrain<ICustomerGrain>(customer).GetSnapshotAsync(),
            s => s is not null && s.AppliedEvents >= applied,
            $"customer {customer} to apply {applied} events");

    [Fact]
    public async Task Events_appended_to_the_log_reach_the_customer_grain_through_the_stream()
    {
        var grain = shared.Engine.Client.GetGrain<ICustomerGrain>(customer);
        Assert.Null(await grain.GetSnapshotAsync());   // active now, fed only by the stream from here on

        await shared.Engine.Log.AppendAsync([Purchase(0, 10m), Purchase(3, 20m)], TestContext.Current.CancellationToken);
        await shared.Engine.Log.AppendAsync([Purchase(5, 30m)], TestContext.Current.CancellationToken);

        var snapshot = await WaitForAsync(3);
        Assert.Equal(60m, snapshot!.Purchases.NetSpend);
        Assert.Equal(2, snapshot.Purchases.RepeatPurchases);
    }

    [Fact]
    public async Task A_deactivated_customer_comes_back_with_its_snapshot_and_the_events_logged_meanwhile()
    {
        var ct = TestContext.Current.CancellationToken;
        var grain = shared.Engine.Client.GetGrain<ICustomerGrain>(customer);
        await shared.Engine.Log.AppendAsync([Purchase(0, 10m)], ct);
        await WaitForAsync(1);

        await shared.Engine.DeactivateAsync(grain);
        await shared.Engine.Log.AppendAsync([Purchase(1, 11m), Purchase(2, 12m)], ct);

        var snapshot = await WaitForAsync(3);
        Assert.Equal(33m, snapshot!.Purchases.NetSpend);
    }

    [Fact]
    public async Task Time_dependent_figures_are_computed_for_the_moment_asked()
    {
        await shared.Engine.Log.AppendAsync([Purchase(0, 10m)], TestContext.Current.CancellationToken);
        await WaitForAsync(1);
        var grain = shared.Engine.Client.GetGrain<ICustomerGrain>(customer);

        var inAMonth = await grain.GetSnapshotAsync(T0.AddDays(30));
        var inAYear = await grain.GetSnapshotAsync(T0.AddDays(365));
        Assert.Equal(30, inAMonth!.Purchases.AgeDays, precision: 6);
        Assert.Equal(365, inAYear!.Purchases.AgeDays, precision: 6);
    }
}
