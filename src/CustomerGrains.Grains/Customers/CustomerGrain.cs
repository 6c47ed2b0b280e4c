using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// One customer. Events reach it from the interaction log through the customer's stream; each carries
/// the customer's gap-free sequence number, so the grain applies every event exactly once and in order:
/// a number already applied is dropped, a gap makes it catch up from the log. The snapshot is written
/// lazily (every N events, every T seconds, on deactivation); on activation the grain loads it and
/// catches up from the log, so nothing acknowledged is lost when a silo dies.
/// </summary>
[ImplicitStreamSubscription(StreamNames.CustomerInteractions)]
internal sealed partial class CustomerGrain(
    [PersistentState("customer", CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<CustomerGrainState> stored,
    IInteractionLog log,
    TimeProvider time,
    IOptions<SnapshotOptions> snapshotOptions,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, IAsyncObserver<LogRecord>
{
    private CustomerState customer = null!;
    private long lastSequence;
    private long lastPosition;
    private int unsavedEvents;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        if (stored.State.Customer is { } snapshot && snapshot.CustomerId == id)
        {
            customer = snapshot;
            lastSequence = stored.State.LastSequence;
            lastPosition = stored.State.LastPosition;
        }
        else
        {
            if (stored.State.Customer is not null)
            {
                LogForeignSnapshot(id, stored.State.Customer.CustomerId);
            }
            customer = new CustomerState(id);
        }
        await CatchUpAsync(cancellationToken);

        var stream = this.GetStreamProvider(StreamNames.InteractionLogProvider).GetStream<LogRecord>(LogPartitioner.StreamIdOf(id));
        await stream.SubscribeAsync(this);

        var interval = snapshotOptions.Value.Interval;
        this.RegisterGrainTimer(static (grain, ct) => grain.SaveIfChangedAsync(ct), this,
            new GrainTimerCreationOptions(interval, interval) { KeepAlive = false, Interleave = false });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await SaveIfChangedAsync(cancellationToken);

    public Task<CustomerSnapshot?> GetSnapshotAsync(DateTimeOffset? asOf = null)
    {
        if (customer.AppliedEvents == 0)
        {
            return Task.FromResult<CustomerSnapshot?>(null);
        }
        var at = asOf ?? time.GetUtcNow();
        return Task.FromResult<CustomerSnapshot?>(CustomerSnapshot.From(CustomerSummary.Of(customer, at)));
    }

    public async Task OnNextAsync(LogRecord item, StreamSequenceToken? token = null)
    {
        if (item.Sequence <= lastSequence)
        {
            return;
        }
        if (item.Sequence == lastSequence + 1)
        {
            Apply(item);
        }
        else
        {
            LogGap(customer.CustomerId, lastSequence, item.Sequence);
            await CatchUpAsync(CancellationToken.None);
        }
        if (unsavedEvents >= snapshotOptions.Value.EveryEvents)
        {
            await SaveIfChangedAsync(CancellationToken.None);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, customer.CustomerId);
        return Task.CompletedTask;
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var records = await log.ReadCustomerAsync(customer.CustomerId, lastSequence, cancellationToken);
        foreach (var record in records)
        {
            Apply(record);
        }
    }

    private void Apply(LogRecord record)
    {
        // The log only holds validated events; one that no longer parses is skipped, not retried forever.
        try
        {
            customer.Apply(InteractionJson.Deserialize(record.Payload));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or NotSupportedException)
        {
            LogUnreadableRecord(ex, record.Position, record.EventId);
        }
        lastSequence = record.Sequence;
        lastPosition = record.Position;
        unsavedEvents++;
    }

    private async Task SaveIfChangedAsync(CancellationToken cancellationToken)
    {
        if (unsavedEvents == 0)
        {
            return;
        }
        stored.State = new CustomerGrainState { LastSequence = lastSequence, LastPosition = lastPosition, Customer = customer };
        try
        {
            await stored.WriteStateAsync(cancellationToken);
            unsavedEvents = 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The log stays the source of truth: a snapshot that failed to save is rebuilt on the next activation.
            LogSnapshotFailed(ex, customer.CustomerId);
            if (ex is Orleans.Storage.InconsistentStateException)
            {
                // Another activation wrote after this one read (a silo declared dead that was not): this one's
                // version is stale for good, so it steps aside and the next activation starts from the store.
                DeactivateOnIdle();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored snapshot of customer {CustomerId} belongs to {Other}; it is ignored and the state rebuilt from the log")]
    private partial void LogForeignSnapshot(string customerId, string other);

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {CustomerId} missed events after sequence {Last} (got {Got}); catching up from the log")]
    private partial void LogGap(string customerId, long last, long got);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream error for customer {CustomerId}")]
    private partial void LogStreamError(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log record at position {Position} (event {EventId}) cannot be read and was skipped")]
    private partial void LogUnreadableRecord(Exception ex, long position, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of customer {CustomerId} could not be written; it will be rebuilt from the log")]
    private partial void LogSnapshotFailed(Exception ex, string customerId);
}
