using System.Net.Sockets;
using Orleans.Runtime.Messaging;

namespace CustomerGrains.Abstractions;

/// <summary>How far a read may be tried again: attempts in all, the first pause (doubling up to the longest), and a time budget (null: none).</summary>
public sealed record RetryLimits(int Attempts, TimeSpan FirstPause, TimeSpan LongestPause, TimeSpan? Budget = null);

/// <summary>
/// Idempotent reads of grains, tried again when the cluster fails in a way that passes: a silo that was killed or is
/// restarting (until membership declares it dead and its grains activate elsewhere), a lost connection, a busy gateway,
/// a timeout. Anything else (a bug, a bad argument) reaches the caller at once. Used by the API and the typed client.
/// </summary>
public static class TransientCalls
{
    /// <summary>The silo that held the grain is gone or cannot be reached: a later attempt finds the grain elsewhere.</summary>
    public static bool IsSiloLoss(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException => true,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(IsSiloLoss),
        _ => false,
    };

    /// <summary>A failure that a later attempt can get past.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        _ when IsSiloLoss(exception) => true,
        GatewayTooBusyException or TimeoutException or SocketException => true,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>Runs <paramref name="read"/>, trying again after transient failures within <paramref name="limits"/>, pausing on <paramref name="time"/>.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, RetryLimits limits, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var pause = limits.FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception ex) when (attempt < limits.Attempts && IsTransient(ex) && !cancellationToken.IsCancellationRequested
                && (limits.Budget is not { } budget || time.GetElapsedTime(started) + pause <= budget))
            {
                await Task.Delay(pause, time, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, limits.LongestPause.Ticks));
            }
        }
    }
}
