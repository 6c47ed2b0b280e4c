using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Grains.Delivery;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// One customer: applies the customer's events from the log, persists a snapshot of the result, and answers reads
/// from memory. Events reach it from its log partition's reader (<see cref="PartitionDeliveryGrain"/>) by direct call;
/// each carries the customer's gap-free sequence number,
/// so the grain applies every event exactly once and in order: a number already applied is dropped, a gap makes it
/// catch up from the log. The snapshot is written lazily (every N events, T seconds after a change or later while the log is behind, on deactivation);
/// on activation the grain loads it and catches up from the log, so nothing acknowledged is lost when a silo dies.
/// The compact card a call pops is computed once per state, rules and time boundary (<see cref="CardCache"/>).
/// An event that cannot be applied (it throws) is quarantined: kept in the log, recorded with its error and alerted,
/// and the customer is rebuilt from the log without it, so no event can leave a customer half-applied or unreadable.
/// Customers are spread over the silos at random: their first call is usually a delivery from a partition's reader,
/// and the default placement would keep them all on the reader's silo.
/// </summary>
[Orleans.Placement.RandomPlacement]
internal sealed partial class CustomerGrain(
    [PersistentState("customer", CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<CustomerGrainState> stored,
    IInteractionLog log,
    TimeProvider time,
    IOptions<SnapshotOptions> snapshotOptions,
    IOptions<CardOptions> cardOptions,
    RulesContext rules,
    RulesHistory rulesHistory,
    ICustomerReadModel readModel,
    ICustomerAlerts alerts,
    PhoneNumberNormalizer phoneNumbers,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, ICustomerDelivery
{
    private static readonly DecisionContext PhoneContact = new(Channel.Phone, null, default);

    private readonly CardCache cards = new(cardOptions.Value.MaxAge);
    private CustomerState customer = null!;
    private PhoneLinks phones = null!;
    private long lastSequence;
    private long lastPosition;
    private long visibleRecordedTo;
    private long version;
    private int unsavedChanges;
    private bool readModelStale;
    private IGrainTimer? flushTimer;
    private int flushTicks; // the flush timer's ticks since the last write of the snapshot
    private readonly Watchers watchers = new();
    private Quarantine quarantine = new([]);
    private bool active;
    private Action<Exception>? stageFailed;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        var state = stored.State;
        phones = new PhoneLinks(phoneNumbers, state.PhoneBookPhones);
        customer = new CustomerState(id);
        if (state.Customer is { } snapshot)
        {
            if (snapshot.CustomerId != id)
            {
                LogForeignSnapshot(id, snapshot.CustomerId);
            }
            else if (state.Schema != CustomerGrainState.CurrentSchema)
            {
                LogOtherSchema(id, state.Schema, CustomerGrainState.CurrentSchema);
            }
            else
            {
                customer = snapshot;
                lastSequence = state.LastSequence;
                lastPosition = state.LastPosition;
                quarantine = new Quarantine(state.Quarantined);
            }
        }
        // What the snapshot holds was visible before this activation; what the catch-up applies becomes visible now.
        visibleRecordedTo = lastSequence;
        await CatchUpAsync(cancellationToken);
        await SyncDirectoryAsync();
        ScheduleFlush();
        EngineMetrics.ActiveCustomers.Add(1);
        active = true;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (active)
        {
            active = false;
            EngineMetrics.ActiveCustomers.Add(-1);
        }
        await SaveIfChangedAsync(cancellationToken);
        LogDeactivated(this.GetPrimaryKeyString(), reason.ReasonCode);
    }

    // Applying: events delivered from the log partition, or read from the log, in the customer's sequence.

    public async Task DeliverAsync(DeliveredRecords records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var changed = false;
        foreach (var item in records.Records)
        {
            if (item.Sequence <= lastSequence)
            {
                continue;
            }
            changed = true;
            if (item.Sequence != lastSequence + 1)
            {
                LogGap(customer.CustomerId, lastSequence, item.Sequence);
                await CatchUpAsync(CancellationToken.None);
                break;
            }
            Apply(item);
        }
        if (!changed)
        {
            // Applied already by the catch-up of the activation this delivery caused, if not by an earlier delivery.
            RecordVisible(records.Records);
            return;
        }
        if (quarantine.HasWork)
        {
            await SettleQuarantineAsync(CancellationToken.None);
        }
        await SyncDirectoryAsync();
        RecordVisible(records.Records);
        await watchers.NotifyAsync(GrainFactory, customer.CustomerId, time.GetUtcNow());
        if (unsavedChanges >= snapshotOptions.Value.EveryEvents)
        {
            await SaveIfChangedAsync(CancellationToken.None);
        }
        ScheduleFlush();
    }

    /// <summary>
    /// Records the time from append to visible of the delivered records applied by this activation and not recorded yet:
    /// those this call applied, and those the activation's catch-up applied when this delivery activated the customer.
    /// </summary>
    private void RecordVisible(LogRecord[] delivered)
    {
        var now = time.GetUtcNow();
        foreach (var item in delivered)
        {
            if (item.Sequence > visibleRecordedTo && item.Sequence <= lastSequence)
            {
                EngineMetrics.EventToVisible.Record(Math.Max(0, (now - item.AppendedAt).TotalMilliseconds));
                visibleRecordedTo = item.Sequence;
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var records = await log.ReadCustomerAsync(customer.CustomerId, lastSequence, cancellationToken);
        foreach (var record in records)
        {
            Apply(record);
        }
        if (quarantine.HasWork)
        {
            await SettleQuarantineAsync(cancellationToken);
        }
    }

    /// <summary>
    /// After an event was quarantined: rebuilds the customer from the log without the quarantined events (the failed
    /// apply may have changed part of the state before it threw), then stores the alerts of the new quarantines.
    /// </summary>
    private async Task SettleQuarantineAsync(CancellationToken cancellationToken)
    {
        while (quarantine.TakeRebuild())
        {
            var upTo = lastSequence;
            var records = await log.ReadCustomerAsync(customer.CustomerId, 0, cancellationToken);
            customer = new CustomerState(customer.CustomerId);
            foreach (var record in records.Where(r => r.Sequence <= upTo))
            {
                Apply(record);
            }
        }
        await quarantine.AlertAsync(alerts, customer.CustomerId, customer.Stage is { } stage ? EnumNames.Of(stage) : "none",
            (ex, eventId) => LogQuarantineAlertFailed(ex, eventId, customer.CustomerId), cancellationToken);
    }

    private void Apply(LogRecord record)
    {
        lastSequence = record.Sequence;
        lastPosition = record.Position;
        unsavedChanges++;
        version++;
        if (Readable(record) is not { } e)
        {
            return;
        }
        try
        {
            rules.Current.Apply(customer, e, stageFailed ??= StageFailed);
            EngineMetrics.EventsApplied.Add(1);
        }
        catch (Exception ex) when (ex is ArithmeticException or ArgumentException or InvalidOperationException or FormatException)
        {
            LogQuarantined(ex, record.EventId, record.Sequence, customer.CustomerId);
            quarantine.Hold(record, e.OccurredAt, ex);
            EngineMetrics.EventsQuarantined.Add(1);
        }
    }

    /// <summary>The stage could not be evaluated while applying an event: logged; it is evaluated again on the next event or sweep.</summary>
    private void StageFailed(Exception ex) => LogAssessmentFailed(ex, customer.CustomerId, rules.Current.Scoring.ModelVersion);

    /// <summary>The event a record holds, or null for an erased or quarantined record and one that no longer parses.</summary>
    private InteractionEvent? Readable(LogRecord record)
    {
        if (record.IsErased || quarantine.Holds(record.EventId))
        {
            return null;
        }
        try
        {
            return InteractionJson.Deserialize(record.Payload);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            // The log only holds validated events; one that no longer parses is skipped, not retried forever.
            LogUnreadableRecord(ex, record.Position, record.EventId);
            return null;
        }
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
            version++;
        }
        readModelStale = true;
        await SaveIfChangedAsync(CancellationToken.None);
        ScheduleFlush();
        return customer.Stage is { } stage ? EnumNames.Of(stage) : null;
    }

    // Persisting: the snapshot, the read model row and the phone directory, off the read path.

    private bool HasUnflushedWork => unsavedChanges > 0 || (readModelStale && customer.AppliedEvents > 0) || phones.Failed;

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
        // While the log's writer is behind, the appends have the disk: the snapshot and the row wait, up to MaxDelay.
        if (unsavedChanges > 0 && snapshotOptions.Value.PutsOff(log.AppendWait, ++flushTicks))
        {
            EngineMetrics.SnapshotsPutOff.Add(1);
            return;
        }
        await SaveIfChangedAsync(cancellationToken);
        if (!HasUnflushedWork)
        {
            flushTimer?.Dispose();
            flushTimer = null;
        }
    }

    private async Task SaveIfChangedAsync(CancellationToken cancellationToken)
    {
        if (unsavedChanges > 0)
        {
            stored.State = new CustomerGrainState
            {
                LastSequence = lastSequence, LastPosition = lastPosition, Customer = customer, PhoneBookPhones = [.. phones.Linked],
                Quarantined = [.. quarantine.Held],
            };
            try
            {
                await stored.WriteStateAsync(cancellationToken);
                EngineMetrics.SnapshotWrites.Add(1);
                unsavedChanges = 0;
                flushTicks = 0;
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
                await readModel.UpsertAsync(CustomerViews.ReadModelRow(customer, rules.Current, time.GetUtcNow()), cancellationToken);
                readModelStale = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReadModelFailed(ex, customer.CustomerId);
            }
        }
    }

    private async Task SyncDirectoryAsync()
    {
        try
        {
            unsavedChanges += await phones.SyncAsync(GrainFactory, customer.CustomerId, customer.Phones?.Value);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDirectoryFailed(ex, customer.CustomerId);
        }
    }

    public async Task LinkPhonesAsync()
    {
        await SyncDirectoryAsync();
        if (phones.Failed)
        {
            throw new InvalidOperationException($"The phone book could not be written for {customer.CustomerId}; see the log.");
        }
        await SaveIfChangedAsync(CancellationToken.None);
    }

    public async Task<CustomerErasure> EraseAsync()
    {
        var id = customer.CustomerId;
        var now = time.GetUtcNow();
        // The log first: it is the source of truth, so nothing erased can come back from it into a new snapshot.
        var erased = await log.EraseCustomerAsync(id, now, CancellationToken.None);
        var unlinked = phones.Linked.Count;
        customer = new CustomerState(id);
        quarantine = new Quarantine([]);
        lastSequence = Math.Max(lastSequence, erased.LastSequence);
        version++;
        // Fails (and the erasure with it, to be tried again) when the phone book cannot be written.
        await phones.SyncAsync(GrainFactory, id, null);
        stored.State = new CustomerGrainState { LastSequence = lastSequence, LastPosition = lastPosition, Customer = customer };
        await stored.WriteStateAsync(CancellationToken.None);
        unsavedChanges = 0;
        readModelStale = false;
        await readModel.DeleteAsync(id, CancellationToken.None);
        DeactivateOnIdle();
        return new CustomerErasure(id, now, erased.LastSequence, erased.ErasedEvents, unlinked);
    }

    public async Task RedescribeAsync(IReadOnlyList<string> shreddedPayloads)
    {
        ArgumentNullException.ThrowIfNull(shreddedPayloads);
        var changed = 0;
        foreach (var payload in shreddedPayloads)
        {
            changed += customer.Redescribe(InteractionJson.Deserialize(payload)) ? 1 : 0;
        }
        if (changed > 0)
        {
            unsavedChanges++;
            version++;
            // Written now, not lazily: the shredded text must leave the stored snapshot with the retention run.
            await SaveIfChangedAsync(CancellationToken.None);
        }
    }

    // Answering: from memory, as of now (served from the card cache) or as of a later moment asked for.

    public Task<CustomerSnapshot?> GetSnapshotAsync(DateTimeOffset? asOf = null)
    {
        if (customer.AppliedEvents == 0)
        {
            return Task.FromResult<CustomerSnapshot?>(null);
        }
        var at = asOf is { } later ? CheckAsOf(later) : time.GetUtcNow();
        return Task.FromResult<CustomerSnapshot?>(Assessed(at, rules.Current).Snapshot);
    }

    public Task<Decision?> GetDecisionAsync(DecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (customer.AppliedEvents == 0)
        {
            return Task.FromResult<Decision?>(null);
        }
        var (context, current) = Read(query);
        return Task.FromResult<Decision?>(current.Decide(customer, context));
    }

    public Task<CustomerCard?> GetCardAsync(DecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (customer.AppliedEvents == 0)
        {
            return Task.FromResult<CustomerCard?>(null);
        }
        var (context, current) = Read(query);
        // One moment, one rules version and one assessment for both halves of the card.
        return Task.FromResult<CustomerCard?>(CustomerViews.Card(customer, current, Assessed(context.Now, current), context));
    }

    public Task<ScreenPopCard?> GetScreenPopCardAsync(string e164)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        if (customer.AppliedEvents == 0 || !phones.Lists(customer.Phones?.Value, e164))
        {
            return Task.FromResult<ScreenPopCard?>(null);
        }
        var now = time.GetUtcNow();
        var current = rules.Current;
        return Task.FromResult<ScreenPopCard?>(cards.Get(version, current, now)
            ?? cards.Put(version, current, now, CustomerViews.Card(customer, current, Assessed(now, current), PhoneContact with { Now = now })));
    }

    public Task WatchAsync(string agentId, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        watchers.Watch(agentId, time.GetUtcNow() + duration);
        DelayDeactivation(duration);
        return Task.CompletedTask;
    }

    private AssessedSnapshot Assessed(DateTimeOffset at, EngineRules current)
    {
        var assessed = CustomerViews.Snapshot(customer, current, at);
        if (assessed.Failure is { } failure)
        {
            LogAssessmentFailed(failure, customer.CustomerId, current.Scoring.ModelVersion);
        }
        return quarantine.Held.Count == 0 ? assessed : assessed with { Snapshot = assessed.Snapshot with { QuarantinedEvents = quarantine.Held.Count } };
    }

    /// <summary>The decision context and rules of a query, checked: a known channel, and no moment before the last applied event.</summary>
    private (DecisionContext Context, EngineRules Rules) Read(DecisionQuery query)
    {
        if (!EnumNames.TryParse<Channel>(query.Channel, out var channel))
        {
            throw new ArgumentException($"Unknown channel '{query.Channel}'; expected one of {EnumNames.List<Channel>()}.", nameof(query));
        }
        var at = query.AsOf is { } asOf ? CheckAsOf(asOf) : time.GetUtcNow();
        // The rules in force, or with the query's candidate policy in their place (a what-if).
        var current = query.CandidatePolicy is { } candidate ? rules.Current with { Policy = candidate } : rules.Current;
        return (new DecisionContext(channel, query.Reason, at), current);
    }

    /// <summary>Figures are computed for now or a later moment, never for the past of what was applied.</summary>
    private DateTimeOffset CheckAsOf(DateTimeOffset asOf) => customer.LastEventAt is { } last && asOf < last
        ? throw new ArgumentOutOfRangeException(nameof(asOf), asOf,
            $"asOf {asOf:O} is earlier than the customer's last applied event ({last:O}); figures cannot be computed for the past.")
        : asOf;
}
