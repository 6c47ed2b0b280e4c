using System.Diagnostics;

namespace CustomerGrains.Testing;

/// <summary>Waits for an outcome by polling it until a deadline, failing with what was awaited.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="probe"/> until it returns a value satisfying <paramref name="done"/>; returns that value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string awaited, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(10);
        T last;
        Exception? lastError;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
                lastError = null;
            }
#pragma warning disable CA1031 // A probe may fail while the awaited state is not reached yet.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                last = default!;
                lastError = ex;
            }
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException(
                    $"Waited {limit.TotalSeconds:0.#} s for {awaited}; last value: {last?.ToString() ?? "none"}" +
                    (lastError is null ? "" : $"; last error: {lastError.Message}"), lastError);
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(200, delay.TotalMilliseconds * 2));
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, string awaited, TimeSpan? timeout = null) =>
        UntilAsync(condition, ok => ok, awaited, timeout);
}
