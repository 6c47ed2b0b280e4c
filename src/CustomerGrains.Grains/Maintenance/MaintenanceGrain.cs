using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
    /// Reviews every customer whose lifecycle review is due (from the read model, without reading anyone
    /// else), recording the stage changes that time alone caused. Returns how many were reviewed.
    /// </summary>
    [Alias("SweepLifecycle")]
    Task<int> SweepLifecycleAsync();
}

/// <summary>Schedules of the maintenance work (configuration section <c>Maintenance</c>).</summary>
public sealed class MaintenanceOptions : Hosting.ISelfValidatingOptions
{
    public const string Section = "Maintenance";

    /// <summary>How often customers due for a lifecycle review are swept. Default 1 minute (the reminder minimum).</summary>
    public TimeSpan LifecycleSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Customers reviewed concurrently by a sweep. Default 16.</summary>
    public int SweepConcurrency { get; set; } = 16;

    /// <summary>The most customers one sweep reviews (the rest wait for the next). Default 20000.</summary>
    public int SweepLimit { get; set; } = 20_000;

    public IEnumerable<string> Validate()
    {
        if (LifecycleSweepInterval < TimeSpan.FromMinutes(1) || LifecycleSweepInterval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(LifecycleSweepInterval)} must be between 1 minute and 1 day (was {LifecycleSweepInterval})";
        }
        if (SweepConcurrency is < 1 or > 1000)
        {
            yield return $"{nameof(SweepConcurrency)} must be between 1 and 1000 (was {SweepConcurrency})";
        }
        if (SweepLimit < 1)
        {
            yield return $"{nameof(SweepLimit)} must be at least 1 (was {SweepLimit})";
        }
    }
}

/// <summary>
/// Holds the schedules as reminders, so they survive silo failures and run on whichever silo hosts this
/// grain. Measuring the population reads only the read model, never activating customer grains.
/// </summary>
internal sealed partial class MaintenanceGrain(
    PopulationMeasurement population,
    ICustomerReadModel readModel,
    TimeProvider time,
    IOptions<ValueOptions> options,
    IOptions<MaintenanceOptions> maintenance,
    ILogger<MaintenanceGrain> logger) : Grain, IMaintenanceGrain, IRemindable
{
    public const string PopulationRefresh = "population-refresh";
    public const string LifecycleSweep = "lifecycle-sweep";

    public async Task EnsureScheduledAsync()
    {
        var period = options.Value.PopulationRefreshInterval;
        await this.RegisterOrUpdateReminder(PopulationRefresh, period, period);
        var sweep = maintenance.Value.LifecycleSweepInterval;
        await this.RegisterOrUpdateReminder(LifecycleSweep, sweep, sweep);
    }

    public async Task<int> SweepLifecycleAsync()
    {
        var limits = maintenance.Value;
        var reviewed = 0;
        // The read model is read before the reviews run, so customers reviewed in this sweep are not read again.
        var due = await readModel.DueForReviewAsync(time.GetUtcNow(), limits.SweepLimit, CancellationToken.None);
        // The reviews run on the thread pool, outside this activation, where the grain's own properties may not be
        // touched: the factory is taken here, and grain references may be called from any thread.
        var grains = GrainFactory;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = limits.SweepConcurrency }, async (id, _) =>
        {
            await grains.GetGrain<ICustomerGrain>(id).ReviewAsync();
            Interlocked.Increment(ref reviewed);
        });
        if (reviewed > 0)
        {
            LogSwept(reviewed);
        }
        return reviewed;
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

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName is PopulationRefresh or LifecycleSweep)
        {
            try
            {
                if (reminderName == PopulationRefresh)
                {
                    await RefreshPopulationAsync();
                }
                else
                {
                    await SweepLifecycleAsync();
                }
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
