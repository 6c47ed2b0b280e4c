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
}

/// <summary>
/// Holds the schedules as reminders, so they survive silo failures and run on whichever silo hosts this
/// grain. Measuring the population reads only the read model, never activating customer grains.
/// </summary>
internal sealed partial class MaintenanceGrain(
    PopulationMeasurement population,
    IOptions<ValueOptions> options,
    ILogger<MaintenanceGrain> logger) : Grain, IMaintenanceGrain, IRemindable
{
    public const string PopulationRefresh = "population-refresh";

    public async Task EnsureScheduledAsync()
    {
        var period = options.Value.PopulationRefreshInterval;
        await this.RegisterOrUpdateReminder(PopulationRefresh, period, period);
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
        if (reminderName == PopulationRefresh)
        {
            try
            {
                await RefreshPopulationAsync();
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
