using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Hosting;

/// <summary>How the API reads the grains (<c>Reads</c> section).</summary>
public sealed class ReadOptions : ISelfValidatingOptions
{
    public const string Section = "Reads";

    /// <summary>
    /// How long a read (screen-pop, snapshot, decision) keeps trying after a silo died under it, until the cluster has
    /// moved that silo's customers to the others. Past it the caller gets 503 with a retry hint. Default 5 s; 0 turns it off.
    /// </summary>
    public TimeSpan SiloLossRetry { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Validate()
    {
        if (SiloLossRetry < TimeSpan.Zero || SiloLossRetry > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(SiloLossRetry)} must be between 0 and 1 minute (was {SiloLossRetry})";
        }
    }
}
