using System.Text.Json;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.State;

/// <summary>
/// The net of the purchase days is kept as events arrive so the value inputs read it in O(1); it must always equal
/// the sum over the days, whatever the order of purchases and returns, and after the state is stored and loaded.
/// </summary>
public sealed class PurchaseDaysNetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero);

    private static decimal SumOfDays(CustomerState state) => state.PurchaseDays.Sum(d => d.Net);

    [Fact]
    public void The_kept_net_equals_the_sum_of_the_days_for_any_order_of_purchases_and_returns()
    {
        var random = new Random(5);
        for (var round = 0; round < 200; round++)
        {
            var events = new List<InteractionEvent>();
            for (var i = 0; i < 30; i++)
            {
                var orderId = $"o-{random.Next(12)}";
                events.Add(random.Next(3) == 0
                    ? new OrderReturned
                    {
                        EventId = $"r-{i}", CustomerId = "c", OccurredAt = T0.AddDays(random.Next(200)), Source = "shop",
                        OrderId = orderId, Amount = random.Next(1, 5000) / 100m,
                    }
                    : new PurchaseMade
                    {
                        EventId = $"p-{i}", CustomerId = "c", OccurredAt = T0.AddDays(random.Next(200)).AddHours(random.Next(24)),
                        Source = "shop", OrderId = orderId, Amount = random.Next(1, 20000) / 100m, Currency = "EUR",
                    });
            }
            var state = new CustomerState("c");
            foreach (var e in events.OrderBy(_ => random.Next()))
            {
                state.Apply(e);
                Assert.Equal(SumOfDays(state), state.PurchaseDaysNet);
            }
        }
    }

    [Fact]
    public void A_stored_and_loaded_state_has_the_same_value_inputs()
    {
        var history = new History()
            .Purchases(History.T0, count: 12, everyDays: 9, amount: 42.5m)
            .Purchase(History.T0.AddDays(3), amount: 19.99m);
        history.Apply(new OrderReturned
        {
            EventId = "r-1", CustomerId = history.State.CustomerId, OccurredAt = History.T0.AddDays(20), Source = "shop",
            OrderId = "o-3", Amount = 10m,
        });

        var json = JsonSerializer.Serialize(history.State, InteractionJson.Options);
        var loaded = JsonSerializer.Deserialize<CustomerState>(json, InteractionJson.Options)!;

        Assert.Equal(history.State.PurchaseDaysNet, loaded.PurchaseDaysNet);
        Assert.Equal(CustomerValueInputs.Of(history.State), CustomerValueInputs.Of(loaded));
        Assert.Equal(SumOfDays(loaded), loaded.PurchaseDaysNet);
    }
}
