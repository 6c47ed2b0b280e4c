using System.Globalization;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Service;

/// <summary>
/// The base currency amounts are counted in and the dated exchange rates into it (configuration section <c>Money</c>):
/// <c>Money:Rates:USD:2026-01-01 = 0.92</c> means one US dollar counts 0.92 of the base currency from 1 January 2026 until
/// the next dated USD rate. An event in a currency without a rate on or before its day is refused at ingest.
/// </summary>
public sealed class MoneyOptions : ISelfValidatingOptions
{
    public const string Section = "Money";

    /// <summary>The ISO 4217 code every amount is counted in. Default EUR.</summary>
    public string BaseCurrency { get; set; } = "EUR";

    /// <summary>
    /// Per currency, per day (yyyy-MM-dd) from which it holds: base units per unit, e.g. <c>Money:Rates:USD:2026-01-01</c> = 0.92;
    /// an amount in a currency without a rate on or before its day is refused. Default none.
    /// </summary>
    public Dictionary<string, Dictionary<string, decimal>> Rates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The rate table; days that are not yyyy-MM-dd are left out (and reported by <see cref="Validate"/>).</summary>
    public CurrencyRates ToRates() => new(BaseCurrency, Rates.ToDictionary(
        c => c.Key,
        c => (IReadOnlyDictionary<DateOnly, decimal>)c.Value
            .Where(d => TryDay(d.Key, out _))
            .ToDictionary(d => { TryDay(d.Key, out var day); return day; }, d => d.Value),
        StringComparer.Ordinal));

    public IEnumerable<string> Validate()
    {
        foreach (var (currency, dated) in Rates)
        {
            foreach (var day in dated.Keys.Where(d => !TryDay(d, out _)))
            {
                yield return $"Rates:{currency}:{day} is not a day (yyyy-MM-dd)";
            }
        }
        foreach (var problem in ToRates().Validate())
        {
            yield return problem;
        }
    }

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
