using System.Text.Json;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Events;

/// <summary>
/// Amounts are counted in the base currency: an event in another currency is converted at its time's rate, refused at
/// ingest when no rate is known, and never summed as if it were the base currency.
/// </summary>
public sealed class CurrencyTests
{
    private static readonly DateOnly January = new(2026, 1, 1), July = new(2026, 7, 1);

    /// <summary>EUR base; a dollar counts 0.9 from January, 0.8 from July; pounds have no rate.</summary>
    private static readonly CurrencyRates Rates = new("EUR", new Dictionary<string, IReadOnlyDictionary<DateOnly, decimal>>
    {
        ["USD"] = new Dictionary<DateOnly, decimal> { [January] = 0.9m, [July] = 0.8m },
    });

    private static PurchaseMade Purchase(string id, DateTimeOffset at, decimal amount, string currency, decimal discount = 0m) => new()
    {
        EventId = id, CustomerId = "c-1", OccurredAt = at, Source = "shop", OrderId = $"o-{id}", Amount = amount, Currency = currency,
        Discount = discount,
    };

    private static OrderReturned Refund(string id, string orderId, DateTimeOffset at, decimal amount, string? currency) => new()
    {
        EventId = id, CustomerId = "c-1", OccurredAt = at, Source = "shop", OrderId = orderId, Amount = amount, Currency = currency,
    };

    private static List<FieldError> Errors(InteractionEvent e)
    {
        var errors = new List<FieldError>();
        InteractionValidator.Validate(e, 2, T0.AddDays(400), new ValidationOptions { Rates = Rates }, errors);
        return errors;
    }

    [Fact]
    public void A_purchase_is_converted_at_the_rate_in_force_on_its_day()
    {
        var h = new History();
        h.Apply(Rates.Stamp(Purchase("e-1", new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), 100m, "USD", discount: 10m)));
        h.Apply(Rates.Stamp(Purchase("e-2", new DateTimeOffset(2026, 7, 1, 0, 30, 0, TimeSpan.Zero), 100m, "USD")));
        h.Apply(Rates.Stamp(Purchase("e-3", new DateTimeOffset(2026, 7, 2, 0, 30, 0, TimeSpan.Zero), 50m, "EUR")));

        Assert.Equal("EUR", h.State.Currency);
        Assert.Equal(90m + 80m + 50m, h.State.GrossSpend);
        Assert.Equal(9m, h.State.DiscountTotal);
        Assert.Empty(h.State.Uncounted);
        Assert.Equal(new Conversion("EUR", 1m), ((PurchaseMade)Rates.Stamp(Purchase("e-4", T0, 1m, "EUR"))).Conversion);
    }

    [Fact]
    public void A_refund_is_converted_like_its_purchase_and_one_without_a_currency_is_in_the_base_currency()
    {
        var at = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var h = new History();
        h.Apply(Rates.Stamp(Purchase("e-1", at, 100m, "USD")));
        var refund = (OrderReturned)Rates.Stamp(Refund("e-2", "o-e-1", at.AddDays(3), 50m, "USD"));
        var plain = (OrderReturned)Rates.Stamp(Refund("e-3", "o-e-1", at.AddDays(4), 5m, null));
        h.Apply(refund).Apply(plain);

        Assert.Equal(("EUR", 1m), (plain.Currency, plain.Conversion!.Rate));
        Assert.Equal(45m + 5m, h.State.ReturnedAmount);
        Assert.Equal(90m - 50m, h.State.NetSpend);
    }

    [Fact]
    public void An_amount_in_a_currency_without_a_rate_on_its_day_is_refused_naming_the_currency()
    {
        var pounds = Errors(Purchase("e-1", T0.AddDays(10), 10m, "GBP"));
        var tooEarly = Errors(Purchase("e-2", new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), 10m, "USD"));
        var refund = Errors(Refund("e-3", "o-1", T0.AddDays(10), 10m, "GBP"));

        var error = Assert.Single(pounds);
        Assert.Equal((2, "currency"), (error.Index, error.Field));
        Assert.Contains("no exchange rate from GBP to the base currency EUR is known on or before 2026-01-15", error.Message, StringComparison.Ordinal);
        Assert.Contains("2025-12-31", Assert.Single(tooEarly).Message, StringComparison.Ordinal);
        Assert.Equal("currency", Assert.Single(refund).Field);
        Assert.Empty(Errors(Purchase("e-4", T0.AddDays(10), 10m, "USD")));
        Assert.Empty(Errors(Refund("e-5", "o-1", T0.AddDays(10), 10m, null)));
    }

    [Fact]
    public void A_batch_posted_in_a_currency_without_a_rate_is_refused_whole()
    {
        var body = """
            {"events":[{"eventId":"e1","customerId":"c1","type":"purchase","occurredAt":"2026-11-01T10:00:00Z","source":"shop","orderId":"o1","amount":10,"currency":"EUR"},
                       {"eventId":"e2","customerId":"c1","type":"purchase","occurredAt":"2026-11-01T10:00:00Z","source":"shop","orderId":"o2","amount":10,"currency":"JPY"}]}
            """;

        var result = InteractionJson.ParseBatch(JsonDocument.Parse(body).RootElement, T0.AddDays(400), new ValidationOptions { Rates = Rates });

        Assert.Empty(result.Events);
        Assert.Equal((1, "currency"), (Assert.Single(result.Errors).Index, result.Errors[0].Field));
    }

    [Fact]
    public void Events_logged_without_a_conversion_in_another_currency_are_kept_aside_never_summed_and_break_nothing()
    {
        // Logged before conversions: the first purchase's currency is the one this customer's sums are in.
        var h = new History();
        h.Apply(Purchase("e-1", T0, 100m, "EUR"));
        h.Apply(Purchase("e-2", T0.AddDays(10), 70m, "USD"));
        h.Apply(Refund("e-3", "o-e-2", T0.AddDays(12), 20m, "USD"));
        h.Apply(Rates.Stamp(Purchase("e-4", new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), 10m, "USD")));

        Assert.Equal(100m + 9m, h.State.GrossSpend);
        Assert.Equal(0m, h.State.ReturnedAmount);
        Assert.Equal(3, h.State.PurchaseCount);
        Assert.Equal(50m, h.State.Uncounted["USD"]);
        Assert.Equal(new Dictionary<string, decimal> { ["USD"] = 50m }, PurchaseStatistics.Of(h.State, T0.AddDays(100)).Uncounted);
    }

    [Fact]
    public void The_conversion_survives_the_canonical_round_trip_through_the_log_and_a_client_cannot_set_it()
    {
        var stamped = Rates.Stamp(Purchase("e-1", T0.AddDays(10), 10m, "USD"));
        var body = """
            {"events":[{"eventId":"e1","customerId":"c1","type":"purchase","occurredAt":"2026-11-01T10:00:00Z","source":"shop","orderId":"o1","amount":10,"currency":"USD","conversion":{"to":"EUR","rate":1000}}]}
            """;

        var read = (PurchaseMade)InteractionJson.Deserialize(InteractionJson.Serialize(stamped));
        var posted = (PurchaseMade)Assert.Single(InteractionJson.ParseBatch(JsonDocument.Parse(body).RootElement, T0.AddDays(400), new ValidationOptions { Rates = Rates }).Events);

        Assert.Equal(new Conversion("EUR", 0.9m), read.Conversion);
        Assert.Null(posted.Conversion);
    }

    [Fact]
    public void A_rate_table_with_a_bad_code_or_a_rate_not_above_zero_is_refused_with_every_problem()
    {
        var table = new CurrencyRates("EURO", new Dictionary<string, IReadOnlyDictionary<DateOnly, decimal>>
        {
            ["usd"] = new Dictionary<DateOnly, decimal> { [January] = 0m },
        });

        Assert.Equal(3, new ValidationOptions { Rates = table }.Validate().Count);
    }
}
