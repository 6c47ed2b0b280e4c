using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Service;

/// <summary>How the API and the typed client's silo side read the grains (<c>Reads</c> section).</summary>
public sealed class ReadOptions : ISelfValidatingOptions
{
    public const string Section = "Reads";

    /// <summary>
    /// How long a read (screen-pop, snapshot, decision) keeps trying after a silo died under it, until the cluster has
    /// moved that silo's customers to the others. Past it the caller gets 503 with a retry hint. Default 5 s; 0 turns it off.
    /// </summary>
    public TimeSpan SiloLossRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most customer ids one batch read may name (<c>POST /api/customers/batch</c>, the typed client). Default 100.</summary>
    public int MaxBatchIds { get; set; } = 100;

    public IEnumerable<string> Validate()
    {
        if (MaxBatchIds is < 1 or > 10_000)
        {
            yield return $"{nameof(MaxBatchIds)} must be between 1 and 10000 (was {MaxBatchIds})";
        }
        if (SiloLossRetry < TimeSpan.Zero || SiloLossRetry > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(SiloLossRetry)} must be between 0 and 1 minute (was {SiloLossRetry})";
        }
    }
}
