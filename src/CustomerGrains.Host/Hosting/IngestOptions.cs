using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Hosting;

/// <summary>Limits of <c>POST /api/interactions</c> (configuration section <c>Ingest</c>).</summary>
public sealed class IngestOptions : ISelfValidatingOptions
{
    public const string Section = "Ingest";

    /// <summary>The most events one request may carry. Default 1000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>How far in the future an event's time may lie against this host's clock. Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    public ValidationOptions Validation => new() { MaxFutureSkew = MaxFutureSkew };

    /// <summary>The validation of events, reading phone numbers with the configured default region.</summary>
    public ValidationOptions ValidationWith(PhoneNumberNormalizer phoneNumbers) => Validation with { Phones = phoneNumbers };

    public IEnumerable<string> Validate()
    {
        if (MaxBatchSize is < 1 or > 100_000)
        {
            yield return $"{nameof(MaxBatchSize)} must be between 1 and 100000 (was {MaxBatchSize})";
        }
        foreach (var problem in Validation.Validate())
        {
            yield return problem;
        }
    }
}
