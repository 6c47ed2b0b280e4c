using System.Net.Sockets;
using Orleans.Runtime.Messaging;

namespace CustomerGrains.Client;

/// <summary>
/// Retries an idempotent call when the cluster fails in a way that passes: a silo that is restarting or
/// was killed (until membership declares it dead and its grains move), a dropped connection, a timeout.
/// The number of attempts and the pauses are bounded by <see cref="CustomerGrainsClientOptions"/>.
/// </summary>
internal static class TransientRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, CustomerGrainsClientOptions options, CancellationToken cancellationToken)
    {
        var delay = options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < options.Attempts && IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Failures that a later attempt can get past; anything else (a bug, a bad argument) is not retried.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException => true,
        TimeoutException or SocketException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}
