using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Customers;

/// <summary>When a customer grain writes its snapshot (configuration section <c>Snapshots</c>).</summary>
public sealed class SnapshotOptions : ISelfValidatingOptions
{
    public const string Section = "Snapshots";

    /// <summary>Write after this many newly applied events. Default 100.</summary>
    public int EveryEvents { get; set; } = 100;

    /// <summary>Write changes at most this long after they were made, while active. Default 30 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (EveryEvents < 1)
        {
            yield return $"{nameof(EveryEvents)} must be at least 1 (was {EveryEvents})";
        }
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(Interval)} must be between 1 s and 1 day (was {Interval})";
        }
    }
}
