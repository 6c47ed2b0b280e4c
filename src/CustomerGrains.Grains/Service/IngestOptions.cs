using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Service;

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

    /// <summary>
    /// Back-pressure: while the oldest event not yet delivered to its customer is older than this, a batch is refused
    /// with 503 and <c>Retry-After</c> instead of acknowledging what cannot become visible in time (agents' notes and
    /// preferences are still taken). Default 1 minute; 0 turns it off.
    /// </summary>
    public TimeSpan MaxDeliveryLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Back-pressure at the log: while the oldest append of this process not yet durable has waited longer than this (the
    /// log's writer gets more than it can commit), a batch is refused with 503 and <c>Retry-After: 1</c> at once, instead
    /// of queueing behind the others until its client gives up. Default 2 seconds; 0 turns it off.
    /// </summary>
    public TimeSpan MaxAppendWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Live traffic first: a batch marked as a backfill (<c>POST /api/interactions?backfill=true</c>, what the import command
    /// sends) is refused with 503 and <c>Retry-After: 1</c> while this process has used more than this share of the
    /// machine's cores over the last quarter second or more, so that reads keep the rest of the CPU; the backfill goes on
    /// when they leave it room. Unmarked batches are never held back by it. Default 0.5; 0 turns it off.
    /// </summary>
    public double BackfillCpuLimit { get; set; } = 0.5;

    /// <summary>How old the backlog reading that back-pressure decides on may be. Default 250 ms.</summary>
    public TimeSpan BacklogCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

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
        if (MaxDeliveryLag < TimeSpan.Zero || MaxDeliveryLag > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(MaxDeliveryLag)} must be between 0 (off) and 1 day (was {MaxDeliveryLag})";
        }
        if (!(BackfillCpuLimit is >= 0 and <= 1))
        {
            yield return $"{nameof(BackfillCpuLimit)} must be between 0 (off) and 1, a share of the machine's cores (was {BackfillCpuLimit})";
        }
        if (MaxAppendWait < TimeSpan.Zero || MaxAppendWait > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(MaxAppendWait)} must be between 0 (off) and 10 minutes (was {MaxAppendWait})";
        }
        if (BacklogCheckInterval < TimeSpan.FromMilliseconds(10) || BacklogCheckInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(BacklogCheckInterval)} must be between 10 ms and 1 minute (was {BacklogCheckInterval})";
        }
        foreach (var problem in Validation.Validate())
        {
            yield return problem;
        }
    }
}
