namespace CustomerGrains.Domain.Events;

/// <summary>
/// What an amount of a purchase or refund was worth in the base currency when it happened: the base currency it was
/// converted <see cref="To"/> and the <see cref="Rate"/> (base units per unit of the event's currency, 1 in the base
/// currency itself). Set at ingest from the rate table, kept with the event in the log, so a replay sums what was
/// acknowledged whatever the table says later.
/// </summary>
public sealed record Conversion(string To, decimal Rate);

/// <summary>
/// The base currency every amount is counted in, and dated exchange rates into it: a rate holds from its day (UTC) until
/// the next dated rate of its currency. An amount in a currency with no rate on or before its day cannot be counted, and
/// is refused at ingest rather than summed as if it were the base currency.
/// </summary>
public sealed class CurrencyRates
{
    private readonly Dictionary<string, (DateOnly[] Days, decimal[] Rates)> rates = new(StringComparer.Ordinal);

    /// <param name="baseCurrency">The ISO 4217 code amounts are counted in.</param>
    /// <param name="rates">Per currency, base units per unit from each day on.</param>
    public CurrencyRates(string baseCurrency, IReadOnlyDictionary<string, IReadOnlyDictionary<DateOnly, decimal>>? rates = null)
    {
        ArgumentNullException.ThrowIfNull(baseCurrency);
        BaseCurrency = baseCurrency;
        foreach (var (currency, dated) in rates ?? new Dictionary<string, IReadOnlyDictionary<DateOnly, decimal>>())
        {
            var days = dated.Keys.Order().ToArray();
            this.rates[currency] = (days, [.. days.Select(d => dated[d])]);
        }
    }

    /// <summary>Only the euro, no other currency: the default.</summary>
    public static CurrencyRates Euro { get; } = new("EUR");

    public string BaseCurrency { get; }

    /// <summary>Every problem of the table (codes that are not ISO 4217, rates not above zero), empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!CurrencyCodes.IsValid(BaseCurrency))
        {
            problems.Add($"BaseCurrency '{BaseCurrency}' is not an ISO 4217 currency code");
        }
        foreach (var (currency, (days, values)) in rates)
        {
            if (!CurrencyCodes.IsValid(currency))
            {
                problems.Add($"Rates: '{currency}' is not an ISO 4217 currency code");
            }
            for (var i = 0; i < days.Length; i++)
            {
                if (values[i] <= 0)
                {
                    problems.Add($"Rates:{currency}:{days[i]:yyyy-MM-dd} must be greater than zero (was {values[i]})");
                }
            }
        }
        return problems;
    }

    /// <summary>Base units per unit of <paramref name="currency"/> on the UTC day of <paramref name="at"/>; null when none is known.</summary>
    public decimal? RateAt(string currency, DateTimeOffset at)
    {
        if (string.Equals(currency, BaseCurrency, StringComparison.Ordinal))
        {
            return 1m;
        }
        if (!rates.TryGetValue(currency, out var table))
        {
            return null;
        }
        var i = Array.BinarySearch(table.Days, DateOnly.FromDateTime(at.UtcDateTime));
        i = i >= 0 ? i : ~i - 1;
        return i >= 0 ? table.Rates[i] : null;
    }

    /// <summary>Why an amount in <paramref name="currency"/> at <paramref name="at"/> cannot be counted, or null when it can.</summary>
    public string? Unconvertible(string currency, DateTimeOffset at) => RateAt(currency, at) is null
        ? $"no exchange rate from {currency} to the base currency {BaseCurrency} is known on or before {at.UtcDateTime:yyyy-MM-dd} (Money:Rates)"
        : null;

    /// <summary>
    /// The event as it goes into the log: a purchase, refund or subscription start with its <see cref="Conversion"/> at its
    /// time's rate (a refund or subscription without a currency is in the base currency); other events unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The event's currency has no rate (validation refuses such events first).</exception>
    public InteractionEvent Stamp(InteractionEvent e) => e switch
    {
        PurchaseMade p => p with { Conversion = ConversionOf(p.Currency, p.OccurredAt) },
        OrderReturned r => r with { Currency = r.Currency ?? BaseCurrency, Conversion = ConversionOf(r.Currency ?? BaseCurrency, r.OccurredAt) },
        SubscriptionStarted s => s with { Currency = s.Currency ?? BaseCurrency, Conversion = ConversionOf(s.Currency ?? BaseCurrency, s.OccurredAt) },
        _ => e,
    };

    private Conversion ConversionOf(string currency, DateTimeOffset at) =>
        new(BaseCurrency, RateAt(currency, at) ?? throw new ArgumentException(Unconvertible(currency, at)));
}
