using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Delivery;

/// <summary>
/// Wakes every partition's reader when the silo becomes active and then every <c>InteractionLog:WakeInterval</c>, so
/// each partition is read by one activation somewhere in the cluster, and again soon after the silo holding it is lost.
/// </summary>
internal sealed partial class DeliveryKeeper(
    IGrainFactory grains,
    LogPartitioner partitioner,
    TimeProvider time,
    IOptions<InteractionLogOptions> options,
    ILogger<DeliveryKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource stopping = new();
    private Task running = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeliveryKeeper), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await WakeAllAsync();
        running = KeepAwakeAsync(stopping.Token);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task KeepAwakeAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.WakeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await WakeAllAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WakeAllAsync()
    {
        var wakes = new Task[partitioner.Partitions];
        for (var partition = 0; partition < wakes.Length; partition++)
        {
            wakes[partition] = grains.GetGrain<IPartitionDeliveryGrain>(partition).WakeAsync();
        }
        try
        {
            await Task.WhenAll(wakes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Tried again at the next interval; a partition's reader keeps running wherever it is.
            LogWakeFailed(ex, wakes.Count(w => w.IsFaulted));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} partition readers could not be woken; trying again at the next interval")]
    private partial void LogWakeFailed(Exception ex, int count);
}
