using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Service;

/// <summary>The delivery backlog: events appended but not yet delivered (as of the partitions' checkpoints), the age of the oldest, and each partition.</summary>
public sealed record DeliveryBacklog(long Behind, double? OldestBehindSeconds, IReadOnlyList<PartitionBacklog> Partitions);

/// <summary>
/// How far delivery of the log to the customers is behind its appends: read whole for operators, or as a recent reading
/// shared by every ingest that asks within <see cref="IngestOptions.BacklogCheckInterval"/>, so back-pressure costs one
/// query of the log a quarter second however many batches arrive.
/// </summary>
public sealed class DeliveryBacklogMonitor(IInteractionLog log, IOptions<InteractionLogOptions> logOptions, TimeProvider time)
{
    private readonly Lock gate = new();
    private (DateTimeOffset At, Task<DeliveryBacklog> Reading)? last;

    /// <summary>Reads every partition's backlog now.</summary>
    public async Task<DeliveryBacklog> ReadAsync(CancellationToken cancellationToken)
    {
        var partitions = await Task.WhenAll(Enumerable.Range(0, logOptions.Value.Partitions).Select(p => log.ReadBacklogAsync(p, cancellationToken)));
        var now = time.GetUtcNow();
        var oldest = partitions.Min(p => p.OldestBehindAppendedAt);
        return new DeliveryBacklog(partitions.Sum(p => p.Behind), oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : null, partitions);
    }

    /// <summary>
    /// The latest reading that completed, for the delivery-lag gauges: a collection asks for a fresh one
    /// (at most one query per <paramref name="maxAge"/>) and reports what is known now, never waiting on the store.
    /// </summary>
    public DeliveryBacklog? Latest(TimeSpan maxAge)
    {
        var reading = RecentAsync(maxAge);
        if (reading.IsCompletedSuccessfully)
        {
            latest = reading.Result;
        }
        return latest;
    }

    private DeliveryBacklog? latest;

    /// <summary>A reading no older than <paramref name="maxAge"/>; one that failed is read again at the next call.</summary>
    public Task<DeliveryBacklog> RecentAsync(TimeSpan maxAge)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (last is not { } reading || now - reading.At > maxAge || reading.Reading.IsFaulted || reading.Reading.IsCanceled)
            {
                last = reading = (now, ReadAsync(CancellationToken.None));
            }
            return reading.Reading;
        }
    }
}
