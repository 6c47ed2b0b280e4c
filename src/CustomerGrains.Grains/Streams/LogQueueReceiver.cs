using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace CustomerGrains.Grains.Streams;

/// <summary>
/// Reads one partition of the interaction log for the pulling agent that owns it. It starts after the
/// partition's delivery checkpoint and moves the checkpoint only past records the cache reports as
/// delivered, so a silo that dies re-delivers (harmlessly: grains drop what they already applied)
/// instead of skipping.
/// </summary>
internal sealed partial class LogQueueReceiver(
    QueueId queueId,
    IInteractionLog log,
    TimeProvider time,
    TimeSpan checkpointInterval,
    ILogger<LogQueueReceiver> logger) : IQueueAdapterReceiver
{
    private readonly int partition = (int)queueId.GetNumericId();
    private long lastRead;
    private long delivered;
    private long checkpointed;
    private DateTimeOffset lastCheckpointAt;

    public async Task Initialize(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        lastRead = delivered = checkpointed = await log.ReadCheckpointAsync(partition, cts.Token);
        lastCheckpointAt = time.GetUtcNow();
        LogStarting(partition, lastRead);
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        // The last deliveries of a burst are checkpointed once the partition goes quiet, not only when more arrive:
        // the delivery backlog then reaches zero, and a restart redelivers nothing that was delivered.
        if (delivered > checkpointed && time.GetUtcNow() - lastCheckpointAt >= checkpointInterval)
        {
            await CheckpointAsync();
        }
        if (maxCount <= 0 || !log.MayHaveRecordsAfter(partition, lastRead))
        {
            return [];
        }
        var records = await log.ReadPartitionAsync(partition, lastRead, maxCount, CancellationToken.None);
        if (records.Count == 0)
        {
            return [];
        }
        lastRead = records[^1].Position;
        var batch = new List<IBatchContainer>(records.Count);
        foreach (var record in records)
        {
            batch.Add(new LogBatchContainer(record));
        }
        return batch;
    }

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages)
    {
        foreach (var message in messages)
        {
            delivered = Math.Max(delivered, ((LogBatchContainer)message).Record.Position);
        }
        if (time.GetUtcNow() - lastCheckpointAt >= checkpointInterval)
        {
            await CheckpointAsync();
        }
    }

    public async Task Shutdown(TimeSpan timeout) => await CheckpointAsync();

    private async Task CheckpointAsync()
    {
        if (delivered <= checkpointed)
        {
            return;
        }
        await log.WriteCheckpointAsync(partition, delivered, CancellationToken.None);
        checkpointed = delivered;
        lastCheckpointAt = time.GetUtcNow();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading interaction log partition {Partition} after position {Position}")]
    private partial void LogStarting(int partition, long position);
}
