using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Tests.Events;

/// <summary>The subscription events are read and validated at ingest, and make the customer contractual while one runs.</summary>
public sealed class SubscriptionEventTests
{
    private static BatchParseResult Parse(string events) => OfferEventTests.Parse(events);

    private const string Head = "\"eventId\":\"e1\",\"customerId\":\"c1\",\"occurredAt\":\"2026-11-20T10:00:00Z\",\"source\":\"billing\"";

    [Fact]
    public void A_subscription_start_and_cancellation_are_read_and_kept_in_the_canonical_form()
    {
        var batch = Parse($$"""
            {{{Head}},"type":"subscriptionStarted","subscriptionId":"s-1","plan":"Fiber 500","monthlyCharge":89.9,"currency":"EUR","contractMonths":12},
            {"eventId":"e2","customerId":"c1","occurredAt":"2026-11-21T10:00:00Z","source":"billing","type":"subscriptionCancelled","subscriptionId":"s-1","reason":"moving"}
            """);

        Assert.True(batch.IsValid, string.Join("; ", batch.Errors.Select(e => $"{e.Field}: {e.Message}")));
        var started = Assert.IsType<SubscriptionStarted>(batch.Events[0]);
        Assert.Equal(("s-1", "Fiber 500", 89.9m, "EUR", 12), (started.SubscriptionId, started.Plan, started.MonthlyCharge, started.Currency, started.ContractMonths));
        var cancelled = Assert.IsType<SubscriptionCancelled>(batch.Events[1]);
        Assert.Equal(("s-1", "moving"), (cancelled.SubscriptionId, cancelled.Reason));
        Assert.All(batch.Events, e => Assert.Equal(e, InteractionJson.Deserialize(InteractionJson.Serialize(e))));
        Assert.Contains("\"type\":\"subscriptionStarted\"", InteractionJson.Serialize(started), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"plan\":\"Basic\",\"monthlyCharge\":20,\"contractMonths\":0", "contractMonths", "between 1 (month-to-month) and 120")]
    [InlineData("\"plan\":\"Basic\",\"monthlyCharge\":20,\"contractMonths\":121", "contractMonths", "between 1 (month-to-month) and 120")]
    [InlineData("\"plan\":\"Basic\",\"monthlyCharge\":-5,\"contractMonths\":1", "monthlyCharge", "must not be negative")]
    [InlineData("\"plan\":\"Basic\",\"monthlyCharge\":\"20\",\"contractMonths\":1", "monthlyCharge", "must be a number")]
    [InlineData("\"plan\":\" \",\"monthlyCharge\":20,\"contractMonths\":1", "plan", "must not be empty")]
    [InlineData("\"monthlyCharge\":20,\"contractMonths\":1", "plan", "is required")]
    [InlineData("\"plan\":\"Basic\",\"contractMonths\":1", "monthlyCharge", "is required")]
    [InlineData("\"plan\":\"Basic\",\"monthlyCharge\":20", "contractMonths", "is required")]
    [InlineData("\"plan\":\"Basic\",\"monthlyCharge\":20,\"contractMonths\":1,\"currency\":\"euro\"", "currency", "ISO 4217")]
    public void A_bad_subscription_start_is_refused_naming_the_field_and_why(string body, string field, string why)
    {
        var batch = Parse($$"""{{{Head}},"type":"subscriptionStarted","subscriptionId":"s-1",{{body}}}""");

        Assert.Empty(batch.Events);
        var error = Assert.Single(batch.Errors);
        Assert.Equal((0, field), (error.Index, error.Field));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancellation_without_a_subscription_id_is_refused()
    {
        var batch = Parse($$"""{{{Head}},"type":"subscriptionCancelled","reason":"too expensive"}""");

        Assert.Empty(batch.Events);
        Assert.Equal("subscriptionId", Assert.Single(batch.Errors).Field);
    }

    private static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private static SubscriptionStarted Started(string id, DateTimeOffset at, decimal charge, int months, string plan = "Basic") => new()
    {
        EventId = $"{id}-start-{at:O}", CustomerId = "c1", OccurredAt = at, Source = "billing",
        SubscriptionId = id, Plan = plan, MonthlyCharge = charge, ContractMonths = months,
    };

    private static SubscriptionCancelled Cancelled(string id, DateTimeOffset at) => new()
    {
        EventId = $"{id}-cancel", CustomerId = "c1", OccurredAt = at, Source = "billing", SubscriptionId = id, Reason = "price",
    };

    [Fact]
    public void While_a_subscription_runs_the_customer_is_contractual_with_its_tenure_charges_and_term()
    {
        var state = new CustomerState("c1");
        state.Apply(Started("s-1", Start, 29.85m, 1));
        state.Apply(Started("s-2", Start.AddMonths(2), 10m, 12, "TV"));

        Assert.Equal(ContractStatus.None, SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddDays(-1)));
        var status = SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddMonths(5).AddDays(3));
        Assert.True(status.IsContractual);
        Assert.Equal((5, 39.85m, 12, "TV", 2), (status.TenureMonths, status.MonthlyCharges, status.ContractMonths, status.Plan, status.Subscriptions));
        Assert.Equal(4, SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddMonths(5).AddDays(-1)).TenureMonths);
        Assert.Equal("subscription s-1 started: Basic, 29.85 a month, month-to-month", state.RecentInteractions[^1].Summary);
    }

    [Fact]
    public void A_cancelled_subscription_no_longer_makes_the_customer_contractual_even_when_the_cancellation_arrived_first()
    {
        var inOrder = new CustomerState("c1");
        inOrder.Apply(Started("s-1", Start, 50m, 1));
        inOrder.Apply(Cancelled("s-1", Start.AddMonths(3)));
        var lateStart = new CustomerState("c1");
        lateStart.Apply(Cancelled("s-1", Start.AddMonths(3)));
        lateStart.Apply(Started("s-1", Start, 50m, 1));

        foreach (var state in new[] { inOrder, lateStart })
        {
            Assert.Equal(2, SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddMonths(2).AddDays(1)).TenureMonths);
            Assert.False(SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddMonths(3)).IsContractual);
            Assert.Equal(inOrder.Subscriptions["s-1"], state.Subscriptions["s-1"]);
        }
    }

    [Fact]
    public void A_change_of_plan_sets_the_newest_charge_and_keeps_the_tenure_from_the_first_start()
    {
        var state = new CustomerState("c1");
        state.Apply(Started("s-1", Start.AddMonths(6), 70m, 24, "Premium"));
        state.Apply(Started("s-1", Start, 40m, 1, "Basic"));

        var status = SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddMonths(8));
        Assert.Equal((8, 70m, 24, "Premium"), (status.TenureMonths, status.MonthlyCharges, status.ContractMonths, status.Plan));
    }

    [Fact]
    public void A_charge_in_another_currency_is_counted_in_the_base_currency_at_its_days_rate()
    {
        var rates = new CurrencyRates("EUR", new Dictionary<string, IReadOnlyDictionary<DateOnly, decimal>>
        {
            ["USD"] = new Dictionary<DateOnly, decimal> { [new DateOnly(2026, 1, 1)] = 0.9m },
        });
        var state = new CustomerState("c1");

        state.Apply(rates.Stamp(Started("s-1", Start, 100m, 1) with { Currency = "USD" }));
        state.Apply(rates.Stamp(Started("s-2", Start, 20m, 1)));

        var status = SubscriptionFacts.StatusAt(state.Subscriptions, Start.AddMonths(1));
        Assert.Equal(110m, status.MonthlyCharges);
        Assert.All(state.Subscriptions.Values, s => Assert.Equal("EUR", s.Currency));
    }
}
