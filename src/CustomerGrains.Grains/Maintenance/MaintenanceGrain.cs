using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace CustomerGrains.Grains.Maintenance;

/// <summary>Work over the whole customer base, run on a schedule by one activation in the cluster.</summary>
[Alias("CustomerGrains.IMaintenanceGrain")]
public interface IMaintenanceGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the schedules (idempotent; every silo calls it at start).</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Measures the population now; returns its version, or null when there are no customers.</summary>
    [Alias("RefreshPopulation")]
    Task<string?> RefreshPopulationAsync();

    /// <summary>
    /// Reviews now the customers whose lifecycle review is due (from the read model, without reading anyone
    /// else), recording the stage changes that time alone caused: at most one sweep's batch
    /// (<see cref="MaintenanceOptions.SweepBatch"/>), the earliest due first, as fast as
    /// <see cref="MaintenanceOptions.SweepConcurrency"/> allows (an administrator asked; the scheduled sweeps are the ones
    /// held to <see cref="MaintenanceOptions.SweepRate"/>). Returns how many were reviewed. When a retention is configured
    /// (<see cref="RetentionOptions"/>), it then runs retention, at most once per <see cref="RetentionOptions.Interval"/>.
    /// </summary>
    [Alias("SweepLifecycle")]
    Task<int> SweepLifecycleAsync();

    /// <summary>
    /// Links the numbers of the next page of known customers in the phone book, once after an upgrade from the
    /// per-number directory; true when the book is complete (then it never runs again).
    /// </summary>
    [Alias("BuildPhoneBook")]
    Task<bool> BuildPhoneBookAsync();
}

/// <summary>What the maintenance work has done that must not be done again: the phone book's build and how far it got.</summary>
internal sealed class MaintenanceState
{
    /// <summary>The phone book version the stored book is built for (0: not yet, the book of a build before it).</summary>
    public int PhoneBookVersion { get; set; }

    /// <summary>The last customer id a running phone-book build has linked.</summary>
    public string PhoneBookCursor { get; set; } = "";
}

/// <summary>
/// Holds the schedules as reminders, so they survive silo failures and run on whichever silo hosts this
/// grain. Measuring the population reads only the read model, never activating customer grains; a silo that starts
/// while the stored population is missing, stale or of an older fit has it measured at once.
/// Once, after an upgrade from the per-number phone directory, it links every known customer's numbers in the phone
/// book (a page of customers per reminder tick, its progress stored), so screen-pops find customers not yet activated.
/// </summary>
internal sealed partial class MaintenanceGrain(
    [PersistentState("maintenance", Hosting.CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<MaintenanceState> stored,
    PopulationMeasurement population,
    ICustomerReadModel readModel,
    TimeProvider time,
    IOptions<ValueOptions> options,
    IOptions<MaintenanceOptions> maintenance,
    RetentionPass retention,
    ILogger<MaintenanceGrain> logger) : Grain, IMaintenanceGrain, IRemindable
{
    public const string PopulationRefresh = "population-refresh";
    public const string LifecycleSweep = "lifecycle-sweep";
    public const string PhoneBookBuild = "phone-book-build";

    /// <summary>The phone book's version: 1 is the book in pages (<see cref="PhoneBook"/>).</summary>
    public const int PhoneBookVersion = 1;

    /// <summary>The actor the sweep's retention runs are audited as.</summary>
    public const string SweepActor = "lifecycle-sweep";

    // Not stored: after a restart of this activation the first sweep runs retention again, which finds nothing new or
    // only what aged since.
    private DateTimeOffset nextRetention = DateTimeOffset.MinValue;

    // The scheduled sweep's reviews, paced, run on the thread pool after the reminder's turn has ended: a sweep lasts up
    // to half an interval, and the grain must meanwhile answer an administrator's sweep or refresh (a grain call that
    // waited behind it would time out). Only one runs at a time; they stop when this activation does.
    private Task scheduledReviews = Task.CompletedTask;
    private readonly CancellationTokenSource deactivating = new();

    public async Task EnsureScheduledAsync()
    {
        var period = options.Value.PopulationRefreshInterval;
        await this.RegisterOrUpdateReminder(PopulationRefresh, period, period);
        if (await population.IsStaleAsync(CancellationToken.None))
        {
            // Measured in a timer turn, so a silo's start does not wait for a read of the whole customer base (an empty
            // base stores nothing and stays uncalibrated until the next refresh finds customers).
            this.RegisterGrainTimer(static (grain, _) => grain.MeasureAtStartAsync(), this,
                new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
        var sweep = maintenance.Value.LifecycleSweepInterval;
        await this.RegisterOrUpdateReminder(LifecycleSweep, sweep, sweep);
        if (stored.State.PhoneBookVersion >= PhoneBookVersion)
        {
            return;
        }
        if (!stored.RecordExists && (await readModel.IdsAfterAsync("", 1, CancellationToken.None)).Count == 0)
        {
            // A new store: no customer was stored by a build before the book, and every customer links its own numbers
            // as its events arrive. Walking the base would only activate every customer once more (50 minutes of
            // activations for a million customers after their first import).
            await RecordNewStoreAsync();
            return;
        }
        await this.RegisterOrUpdateReminder(PhoneBookBuild, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// Records a new store's book as built. Silos that start together can each call this grain while the directory
    /// settles, so a second activation may have written the record since this one read it (its write then fails on
    /// the version): the record is read again and written only if it still says otherwise. A silo must not fail its
    /// start over a record another one has just written.
    /// </summary>
    private async Task RecordNewStoreAsync()
    {
        try
        {
            stored.State.PhoneBookVersion = PhoneBookVersion;
            await stored.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            await stored.ReadStateAsync();
            if (stored.State.PhoneBookVersion < PhoneBookVersion)
            {
                stored.State.PhoneBookVersion = PhoneBookVersion;
                await stored.WriteStateAsync();
            }
        }
    }

    public async Task<bool> BuildPhoneBookAsync()
    {
        if (stored.State.PhoneBookVersion >= PhoneBookVersion)
        {
            return true;
        }
        var limits = maintenance.Value;
        var ids = await readModel.IdsAfterAsync(stored.State.PhoneBookCursor, limits.SweepLimit, CancellationToken.None);
        await ForEachCustomerAsync(GrainFactory, ids, customer => customer.LinkPhonesAsync());
        var done = ids.Count < limits.SweepLimit;
        stored.State.PhoneBookCursor = done ? "" : ids[^1];
        stored.State.PhoneBookVersion = done ? PhoneBookVersion : stored.State.PhoneBookVersion;
        await stored.WriteStateAsync();
        LogPhoneBookProgress(ids.Count, done);
        if (done && await this.GetReminder(PhoneBookBuild) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        return done;
    }

    public async Task<int> SweepLifecycleAsync()
    {
        var due = await readModel.DueForReviewAsync(time.GetUtcNow(), maintenance.Value.SweepBatch, CancellationToken.None);
        var reviewed = await ReviewAsync(GrainFactory, due, pacer: null, CancellationToken.None);
        await RunRetentionIfDueAsync();
        return reviewed;
    }

    /// <summary>
    /// The reminder's sweep: reads who is due and leaves their reviews to run paced in the background (unless the last
    /// sweep's still are), then runs retention when it is due.
    /// </summary>
    private async Task SweepOnScheduleAsync()
    {
        if (scheduledReviews.IsCompleted)
        {
            var limits = maintenance.Value;
            // The read model is read before the reviews run, so customers reviewed in this sweep are not read again.
            var due = await readModel.DueForReviewAsync(time.GetUtcNow(), limits.SweepBatch, CancellationToken.None);
            var (grains, pacer, stopping) = (GrainFactory, new Pacer(limits.SweepRate, time), deactivating.Token);
            scheduledReviews = Task.Run(async () =>
            {
                try
                {
                    await ReviewAsync(grains, due, pacer, stopping);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The customers not reviewed stay due: the next sweep finds them again (also after this activation
                    // stopped, which cancels the reviews and is no failure).
                    if (!stopping.IsCancellationRequested)
                    {
                        LogFailed(ex, LifecycleSweep);
                    }
                }
            }, CancellationToken.None);
        }
        await RunRetentionIfDueAsync();
    }

    private async Task<int> ReviewAsync(IGrainFactory grains, IReadOnlyList<string> due, Pacer? pacer, CancellationToken cancellationToken)
    {
        var reviewed = 0;
        await ForEachCustomerAsync(grains, due, async customer =>
        {
            await customer.ReviewAsync();
            Interlocked.Increment(ref reviewed);
        }, pacer, cancellationToken);
        if (reviewed > 0)
        {
            LogSwept(reviewed);
        }
        return reviewed;
    }

    private async Task RunRetentionIfDueAsync()
    {
        var now = time.GetUtcNow();
        if (retention.Options.Any && now >= nextRetention)
        {
            nextRetention = now + retention.Options.Interval;
            await retention.RunAsync(SweepActor, "system", CancellationToken.None);
        }
    }

    /// <summary>
    /// Calls <paramref name="work"/> on each customer, <see cref="MaintenanceOptions.SweepConcurrency"/> at a time, on the
    /// thread pool rather than in this activation's turns (grain references may be called from any thread, the grain's own
    /// members may not: the factory is passed in), and, with a <paramref name="pacer"/>, no faster than it lets them start.
    /// </summary>
    private Task ForEachCustomerAsync(IGrainFactory grains, IEnumerable<string> ids, Func<ICustomerGrain, Task> work,
        Pacer? pacer = null, CancellationToken cancellationToken = default) =>
        Parallel.ForEachAsync(ids,
            new ParallelOptions
            {
                MaxDegreeOfParallelism = maintenance.Value.SweepConcurrency, TaskScheduler = TaskScheduler.Default,
                CancellationToken = cancellationToken,
            },
            async (id, ct) =>
            {
                if (pacer is not null)
                {
                    await pacer.WaitTurnAsync(ct);
                }
                await work(grains.Customer(id));
            });

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        deactivating.Cancel();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<string?> RefreshPopulationAsync()
    {
        var stored = await population.MeasureAsync(CancellationToken.None);
        if (stored is not null)
        {
            LogMeasured(stored.Version, stored.Statistics.Customers);
        }
        return stored is null ? null : $"p{stored.Version}";
    }

    private async Task MeasureAtStartAsync()
    {
        try
        {
            await RefreshPopulationAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, "population-at-start");
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName is PopulationRefresh or LifecycleSweep or PhoneBookBuild)
        {
            try
            {
                await (reminderName switch
                {
                    PopulationRefresh => (Task)RefreshPopulationAsync(),
                    LifecycleSweep => SweepOnScheduleAsync(),
                    _ => BuildPhoneBookAsync(),
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; the silos keep scoring with the population they have.
                LogFailed(ex, reminderName);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Measured population p{Version} over {Customers} customers")]
    private partial void LogMeasured(long version, int customers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifecycle sweep reviewed {Count} customers")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone book build: linked the numbers of {Count} more customers (finished: {Done})")]
    private partial void LogPhoneBookProgress(int count, bool done);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled work {Reminder} failed")]
    private partial void LogFailed(Exception ex, string reminder);
}

/// <summary>Schedules the maintenance work when a silo becomes active.</summary>
internal sealed class MaintenanceScheduler(IGrainFactory grains) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MaintenanceScheduler), ServiceLifecycleStage.Active, _ =>
            grains.GetGrain<IMaintenanceGrain>(0).EnsureScheduledAsync());
}
