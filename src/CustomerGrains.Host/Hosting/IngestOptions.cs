using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Hosting;

/// <summary>Limits of <c>POST /api/interactions</c> and the other writes of events (configuration section <c>Ingest</c>).</summary>
public sealed class IngestOptions : ISelfValidatingOptions
{
    public const string Section = "Ingest";

    /// <summary>The most events one request may carry. Default 1000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>The largest body of <c>POST /api/interactions</c>, in bytes. Default 8 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How far in the future an event's time may lie against this host's clock. Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The earliest event time accepted. Default 1970-01-01.</summary>
    public DateTimeOffset EarliestEventTime { get; set; } = new ValidationOptions().EarliestEventTime;

    /// <summary>The largest amount, discount or unit price of one event. Default 1e9.</summary>
    public decimal MaxAmount { get; set; } = new ValidationOptions().MaxAmount;

    /// <summary>The largest quantity of one order line. Default 1e6.</summary>
    public int MaxQuantity { get; set; } = new ValidationOptions().MaxQuantity;

    public ValidationOptions Validation => new()
    {
        MaxFutureSkew = MaxFutureSkew, EarliestEventTime = EarliestEventTime, MaxAmount = MaxAmount, MaxQuantity = MaxQuantity,
    };

    /// <summary>The validation of events, reading phone numbers with the configured default region and amounts with the rate table.</summary>
    public ValidationOptions ValidationWith(PhoneNumberNormalizer phoneNumbers, CurrencyRates rates) => Validation with { Phones = phoneNumbers, Rates = rates };

    public IEnumerable<string> Validate()
    {
        if (MaxBatchSize is < 1 or > 100_000)
        {
            yield return $"{nameof(MaxBatchSize)} must be between 1 and 100000 (was {MaxBatchSize})";
        }
        if (MaxBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            yield return $"{nameof(MaxBodyBytes)} must be between 1 KiB and 1 GiB (was {MaxBodyBytes})";
        }
        foreach (var problem in Validation.Validate())
        {
            yield return problem;
        }
    }
}
