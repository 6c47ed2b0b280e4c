using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Log;

/// <summary>The interaction log and the stream that reads it (configuration section <c>InteractionLog</c>).</summary>
public sealed class InteractionLogOptions : ISelfValidatingOptions
{
    public const string Section = "InteractionLog";

    /// <summary>Partitions of the log, each read by one reader in the cluster. Fixed for the life of a log. Default 8.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>How often a partition's reader looks for new records: the floor of ingest-to-visible latency. Default 20 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The most records a partition's reader hands out in one round (each customer in it gets one call). Default 1024.</summary>
    public int DeliveryBatch { get; set; } = 1024;

    /// <summary>How often every silo wakes the partitions' readers: how soon a partition whose silo was lost is read again. Default 5 s.</summary>
    public TimeSpan WakeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a partition's delivery checkpoint is saved. Default 1 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Partitions is < 1 or > 1024)
        {
            yield return $"{nameof(Partitions)} must be between 1 and 1024 (was {Partitions})";
        }
        if (PollInterval < TimeSpan.FromMilliseconds(1) || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(PollInterval)} must be between 1 ms and 1 minute (was {PollInterval})";
        }
        if (DeliveryBatch is < 1 or > 100_000)
        {
            yield return $"{nameof(DeliveryBatch)} must be between 1 and 100000 (was {DeliveryBatch})";
        }
        if (WakeInterval < TimeSpan.FromMilliseconds(100) || WakeInterval > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(WakeInterval)} must be between 100 ms and 10 minutes (was {WakeInterval})";
        }
        if (CheckpointInterval < TimeSpan.Zero || CheckpointInterval > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(CheckpointInterval)} must be between 0 and 1 hour (was {CheckpointInterval})";
        }
    }
}
