using System.Diagnostics;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Delivery;

/// <summary>The reader of one partition of the interaction log (the grain's key is the partition).</summary>
[Alias("CustomerGrains.IPartitionDeliveryGrain")]
public interface IPartitionDeliveryGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the partition's delivery if it is not running; every silo calls it on a schedule.</summary>
    [Alias("Wake")]
    Task WakeAsync();
}

/// <summary>
/// Delivers one partition of the log to its customers by direct grain calls. One activation in the cluster reads the
/// partition after its delivery checkpoint, hands each customer its records in one call, and moves the checkpoint past
/// a read only when every customer in it has applied its records. A silo that dies therefore re-delivers (harmlessly:
/// customers drop what they already applied) and never skips. The silos wake every partition on a schedule
/// (<see cref="DeliveryKeeper"/>), so a partition whose silo died is read again from another within that interval.
/// Unlike a stream subscription per customer, an idle customer costs delivery nothing.
/// </summary>
internal sealed partial class PartitionDeliveryGrain(
    IInteractionLog log,
    TimeProvider time,
    IOptions<InteractionLogOptions> options,
    ILogger<PartitionDeliveryGrain> logger) : Grain, IPartitionDeliveryGrain
{
    /// <summary>The longest one timer tick keeps delivering before it lets other calls (a wake, a deactivation) in.</summary>
    private static readonly TimeSpan MaxTurn = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private int partition;
    private long delivered;
    private long checkpointed;
    private DateTimeOffset lastCheckpointAt;
    private DateTimeOffset retryAt;
    private int failures;
    private IGrainTimer? timer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        partition = (int)this.GetPrimaryKeyLong();
        delivered = checkpointed = await log.ReadCheckpointAsync(partition, cancellationToken);
        lastCheckpointAt = time.GetUtcNow();
        LogStarting(partition, delivered);
        timer = this.RegisterGrainTimer(static (grain, ct) => grain.PumpAsync(ct), this,
            new GrainTimerCreationOptions(TimeSpan.Zero, options.Value.PollInterval) { KeepAlive = true, Interleave = false });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        timer?.Dispose();
        try
        {
            await CheckpointAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The next reader starts from the last saved checkpoint and re-delivers what this one delivered since.
            LogCheckpointFailed(ex, partition);
        }
    }

    public Task WakeAsync() => Task.CompletedTask;

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < retryAt)
        {
            return;
        }
        var started = time.GetTimestamp();
        try
        {
            while (!cancellationToken.IsCancellationRequested && log.MayHaveRecordsAfter(partition, delivered))
            {
                var records = await log.ReadPartitionAsync(partition, delivered, options.Value.DeliveryBatch, cancellationToken);
                if (records.Count == 0)
                {
                    break;
                }
                await DeliverAsync(records);
                delivered = records[^1].Position;
                if (failures > 0)
                {
                    LogRecovered(partition, failures);
                    failures = 0;
                }
                if (time.GetElapsedTime(started) >= MaxTurn)
                {
                    break;
                }
                await CheckpointIfDueAsync(cancellationToken);
            }
            // The last deliveries of a burst are checkpointed once the partition goes quiet, so the delivery backlog
            // reaches zero and a restart re-delivers nothing that was delivered.
            await CheckpointIfDueAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // Nothing past the failed read moved: the same records are read and delivered again after a pause that
            // grows with repeated failures (a customer's silo lost, the log's storage unreachable).
            failures++;
            var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures - 1, 10))));
            retryAt = time.GetUtcNow() + delay;
            LogDeliveryFailed(ex, partition, delivered, failures, delay);
        }
    }

    /// <summary>Hands every customer in the read its records in one call, all customers at once; throws if any call failed.</summary>
    private async Task DeliverAsync(IReadOnlyList<LogRecord> records)
    {
        using var activity = EngineActivities.Source.StartActivity(EngineActivities.Deliver, ActivityKind.Consumer);
        activity?.SetTag("customergrains.partition", partition);
        activity?.SetTag("customergrains.records", records.Count);
        var byCustomer = new Dictionary<string, List<LogRecord>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!byCustomer.TryGetValue(record.CustomerId, out var own))
            {
                byCustomer[record.CustomerId] = own = new List<LogRecord>(1);
            }
            own.Add(record);
        }
        var calls = new Task[byCustomer.Count];
        var i = 0;
        foreach (var (customerId, own) in byCustomer)
        {
            calls[i++] = GrainFactory.Reference<ICustomerDelivery>(customerId).DeliverAsync(new DeliveredRecords([.. own]));
        }
        await Task.WhenAll(calls);
    }

    private async Task CheckpointIfDueAsync(CancellationToken cancellationToken)
    {
        if (delivered > checkpointed && time.GetUtcNow() - lastCheckpointAt >= options.Value.CheckpointInterval)
        {
            await CheckpointAsync(cancellationToken);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (delivered <= checkpointed)
        {
            return;
        }
        await log.WriteCheckpointAsync(partition, delivered, cancellationToken);
        checkpointed = delivered;
        lastCheckpointAt = time.GetUtcNow();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering interaction log partition {Partition} after position {Position}")]
    private partial void LogStarting(int partition, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of partition {Partition} after position {Position} failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogDeliveryFailed(Exception ex, int partition, long position, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of partition {Partition} recovered after {Failures} failed attempts")]
    private partial void LogRecovered(int partition, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The delivery checkpoint of partition {Partition} could not be saved at deactivation")]
    private partial void LogCheckpointFailed(Exception ex, int partition);
}
