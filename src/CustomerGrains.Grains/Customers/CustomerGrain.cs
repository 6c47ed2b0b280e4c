using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// One customer. Events reach it from the interaction log through the customer's stream; each carries
/// the customer's gap-free sequence number, so the grain applies every event exactly once and in order:
/// a number already applied is dropped, a gap makes it catch up from the log. The snapshot is written
/// lazily (every N events, T seconds after a change, on deactivation); on activation the grain loads it and
/// catches up from the log, so nothing acknowledged is lost when a silo dies.
/// Reads compute value, stage, needs and decisions for the moment asked, from memory.
/// </summary>
[ImplicitStreamSubscription(StreamNames.CustomerInteractions)]
internal sealed partial class CustomerGrain(
    [PersistentState("customer", CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<CustomerGrainState> stored,
    IInteractionLog log,
    TimeProvider time,
    IOptions<SnapshotOptions> snapshotOptions,
    RulesContext rules,
    ICustomerReadModel readModel,
    ICustomerAlerts alerts,
    PhoneNumberNormalizer phoneNumbers,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, IAsyncObserver<LogRecord>
{
    private CustomerState customer = null!;
    private long lastSequence;
    private long lastPosition;
    private int unsavedChanges;
    private bool readModelStale;
    private List<string> directoryPhones = [];
    private object? directorySyncedFor;
    private bool directoryFailed;
    private IGrainTimer? flushTimer;
    private readonly Dictionary<string, DateTimeOffset> watchers = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        if (stored.State.Customer is { } snapshot && snapshot.CustomerId == id)
        {
            customer = snapshot;
            lastSequence = stored.State.LastSequence;
            lastPosition = stored.State.LastPosition;
            directoryPhones = [.. stored.State.DirectoryPhones];
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
        await SyncDirectoryAsync();

        var stream = this.GetStreamProvider(StreamNames.InteractionLogProvider).GetStream<LogRecord>(LogPartitioner.StreamIdOf(id));
        await stream.SubscribeAsync(this);
        ScheduleFlush();
    }

    private bool HasUnflushedWork => unsavedChanges > 0 || (readModelStale && customer.AppliedEvents > 0) || directoryFailed;

    /// <summary>
    /// Arms the flush timer when something is waiting to be written (snapshot, read model, a directory repair). The
    /// timer lives only while there is work: a silo holding 100k settled customers has no timer ticking for them.
    /// </summary>
    private void ScheduleFlush()
    {
        if (flushTimer is not null || !HasUnflushedWork)
        {
            return;
        }
        var interval = snapshotOptions.Value.Interval;
        flushTimer = this.RegisterGrainTimer(static (grain, ct) => grain.FlushAsync(ct), this,
            new GrainTimerCreationOptions(interval, interval) { KeepAlive = false, Interleave = false });
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SyncDirectoryAsync();
        await SaveIfChangedAsync(cancellationToken);
        if (!HasUnflushedWork)
        {
            flushTimer?.Dispose();
            flushTimer = null;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await SaveIfChangedAsync(cancellationToken);

    public Task<CustomerSnapshot?> GetSnapshotAsync(DateTimeOffset? asOf = null) =>
        Task.FromResult(customer.AppliedEvents == 0 ? null : Snapshot(asOf ?? time.GetUtcNow(), rules.Current).Snapshot);

    /// <summary>The snapshot as of <paramref name="at"/>, with the assessment it shows (null when the customer could not be assessed).</summary>
    private (CustomerSnapshot Snapshot, Assessment? Assessment) Snapshot(DateTimeOffset at, EngineRules current)
    {
        var snapshot = CustomerSnapshot.From(CustomerSummary.Of(customer, at)) with { StageHistory = [.. customer.StageHistory] };
        try
        {
            var assessment = current.Assess(customer, at);
            return (snapshot with
            {
                Value = Figures(assessment.Value, current),
                Lifecycle = assessment.Lifecycle,
                Needs = assessment.Needs,
            }, assessment);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ArithmeticException)
        {
            // A read still answers with the facts; the failure is logged with the model that caused it.
            LogAssessmentFailed(ex, customer.CustomerId, current.Scoring.ModelVersion);
            return (snapshot, null);
        }
    }

    public Task<Decision?> GetDecisionAsync(DecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (customer.AppliedEvents == 0)
        {
            return Task.FromResult<Decision?>(null);
        }
        var current = RulesFor(query);
        return Task.FromResult<Decision?>(current.Decide(customer, Context(query, query.AsOf ?? time.GetUtcNow())));
    }

    public Task<CustomerCard?> GetCardAsync(DecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (customer.AppliedEvents == 0)
        {
            return Task.FromResult<CustomerCard?>(null);
        }
        // One moment, one rules version and one assessment for both halves of the card.
        var current = RulesFor(query);
        var at = query.AsOf ?? time.GetUtcNow();
        var (snapshot, assessment) = Snapshot(at, current);
        var context = Context(query, at);
        var decision = assessment is null ? current.Decide(customer, context) : current.Decide(customer, assessment, context);
        return Task.FromResult<CustomerCard?>(new CustomerCard { Customer = snapshot, Decision = decision });
    }

    /// <summary>The rules in force, or with the query's candidate policy in their place (a what-if).</summary>
    private EngineRules RulesFor(DecisionQuery query) =>
        query.CandidatePolicy is { } candidate ? rules.Current with { Policy = candidate } : rules.Current;

    private static DecisionContext Context(DecisionQuery query, DateTimeOffset at) => new(ParseChannel(query.Channel), query.Reason, at);

    public Task WatchAsync(string agentId, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        watchers[agentId] = time.GetUtcNow() + duration;
        DelayDeactivation(duration);
        return Task.CompletedTask;
    }

    public async Task<string?> ReviewAsync()
    {
        if (customer.AppliedEvents == 0)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var view = rules.Current.Assess(customer, now).Lifecycle;
        if (view.Stage != customer.Stage)
        {
            // The alert is stored before the state records the change, so a failure leaves the change to be noticed again.
            await alerts.AppendAsync(new CustomerAlert(0, customer.CustomerId, "stageChangedByTime",
                customer.Stage is { } from ? EnumNames.Of(from) : null, EnumNames.Of(view.Stage), now,
                string.Join("; ", view.Reasons.Select(r => r.Text))), CancellationToken.None);
            customer.RecordStage(view, now);
            unsavedChanges++;
        }
        readModelStale = true;
        await SaveIfChangedAsync(CancellationToken.None);
        ScheduleFlush();
        return customer.Stage is { } stage ? EnumNames.Of(stage) : null;
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
        await SyncDirectoryAsync();
        await NotifyWatchersAsync();
        if (unsavedChanges >= snapshotOptions.Value.EveryEvents)
        {
            await SaveIfChangedAsync(CancellationToken.None);
        }
        ScheduleFlush();
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
        lastSequence = record.Sequence;
        lastPosition = record.Position;
        unsavedChanges++;
        InteractionEvent e;
        try
        {
            e = InteractionJson.Deserialize(record.Payload);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            // The log only holds validated events; one that no longer parses is skipped, not retried forever.
            LogUnreadableRecord(ex, record.Position, record.EventId);
            return;
        }
        // Time alone may have moved the customer before this event (e.g. into decline, so that a purchase now
        // is a win-back); then the event itself may move them. Both are recorded at the event's time, never
        // before the last recorded change.
        var at = customer.StageTimeFor(e.OccurredAt);
        RecordStage(at);
        customer.Apply(e);
        RecordStage(at);
    }

    private void RecordStage(DateTimeOffset at)
    {
        try
        {
            rules.Current.RecordStage(customer, at);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ArithmeticException)
        {
            // The event is applied regardless: the stage is evaluated again on the next event or sweep.
            LogAssessmentFailed(ex, customer.CustomerId, rules.Current.Scoring.ModelVersion);
        }
    }

    private async Task SaveIfChangedAsync(CancellationToken cancellationToken)
    {
        if (unsavedChanges > 0)
        {
            stored.State = new CustomerGrainState
            {
                LastSequence = lastSequence, LastPosition = lastPosition, Customer = customer, DirectoryPhones = [.. directoryPhones],
            };
            try
            {
                await stored.WriteStateAsync(cancellationToken);
                unsavedChanges = 0;
                readModelStale = true;
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
        if (readModelStale && customer.AppliedEvents > 0)
        {
            try
            {
                await readModel.UpsertAsync(ReadModelRow(), cancellationToken);
                readModelStale = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReadModelFailed(ex, customer.CustomerId);
            }
        }
    }

    /// <summary>
    /// Brings the phone directory in step with the customer's phones: links new numbers, unlinks dropped ones. A number
    /// is recorded as linked only after the directory holds it (and forgotten only after it was unlinked), and the record
    /// is saved with the snapshot, so a failure or crash in between is repaired by the next event, timer or activation.
    /// </summary>
    private async Task SyncDirectoryAsync()
    {
        var phones = customer.Phones;
        if (ReferenceEquals(directorySyncedFor, phones) && directorySyncedFor is not null)
        {
            return;
        }
        var wanted = (phones?.Value ?? []).Select(p => phoneNumbers.Normalize(p).E164).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var id = customer.CustomerId;
        try
        {
            foreach (var number in wanted.Except(directoryPhones, StringComparer.Ordinal).ToList())
            {
                await GrainFactory.GetGrain<IPhoneDirectoryGrain>(number).LinkAsync(id);
                directoryPhones.Add(number);
                unsavedChanges++;
            }
            foreach (var number in directoryPhones.Except(wanted, StringComparer.Ordinal).ToList())
            {
                await GrainFactory.GetGrain<IPhoneDirectoryGrain>(number).UnlinkAsync(id);
                directoryPhones.Remove(number);
                unsavedChanges++;
            }
            directorySyncedFor = phones ?? (object)directoryPhones;
            directoryFailed = false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDirectoryFailed(ex, id);
            directoryFailed = true;
        }
    }

    private async Task NotifyWatchersAsync()
    {
        if (watchers.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var (agentId, until) in watchers.ToList())
        {
            if (until < now)
            {
                watchers.Remove(agentId);
                continue;
            }
            await GrainFactory.GetGrain<IAgentGrain>(agentId).CustomerChangedAsync(customer.CustomerId);
        }
    }

    private CustomerReadModelRow ReadModelRow()
    {
        var now = time.GetUtcNow();
        var assessment = rules.Current.Assess(customer, now);
        return new CustomerReadModelRow(
            customer.CustomerId,
            CustomerValueInputs.Of(customer),
            customer.Stage is { } stage ? EnumNames.Of(stage) : null,
            assessment.Lifecycle.NextReviewAt,
            assessment.Needs.Traits,
            now);
    }

    private static Channel ParseChannel(string channel) => EnumNames.TryParse<Channel>(channel, out var parsed)
        ? parsed
        : throw new ArgumentException($"Unknown channel '{channel}'; expected one of {EnumNames.List<Channel>()}.", nameof(channel));

    private static ValueFigures Figures(ValueScore score, EngineRules current) => new()
    {
        PAlive = score.PAlive,
        ExpectedPurchases = score.ExpectedPurchases,
        HorizonWeeks = current.Scoring.Model.Options.HorizonWeeks,
        ExpectedSpend = score.ExpectedSpend,
        Clv = score.Clv,
        CostToServe = score.CostToServe,
        NetValue = score.NetValue,
        NetValuePercentile = current.Scoring.Population.PercentileOf(score.NetValue),
        Rfm = current.Scoring.Population.Rfm is null ? null : score.Rfm.ToString(),
        Tier = score.Tier.ToString(),
        TierName = current.Policy.Tiers.TryGetValue(score.Tier.ToString(), out var tier) ? tier.DisplayName : null,
        ModelVersion = current.Scoring.ModelVersion,
        PopulationVersion = current.Scoring.PopulationVersion,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The phone directory could not be updated for customer {CustomerId}; retrying with the next event or timer")]
    private partial void LogDirectoryFailed(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer {CustomerId} could not be assessed with value model {ModelVersion}")]
    private partial void LogAssessmentFailed(Exception ex, string customerId, string modelVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored snapshot of customer {CustomerId} belongs to {Other}; it is ignored and the state rebuilt from the log")]
    private partial void LogForeignSnapshot(string customerId, string other);

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {CustomerId} missed events after sequence {Last} (got {Got}); catching up from the log")]
    private partial void LogGap(string customerId, long last, long got);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream error for customer {CustomerId}")]
    private partial void LogStreamError(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log record at position {Position} (event {EventId}) cannot be read and was skipped")]
    private partial void LogUnreadableRecord(Exception ex, long position, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read model row of customer {CustomerId} could not be written; retrying with the next save")]
    private partial void LogReadModelFailed(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of customer {CustomerId} could not be written; it will be rebuilt from the log")]
    private partial void LogSnapshotFailed(Exception ex, string customerId);
}
