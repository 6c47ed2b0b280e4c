namespace CustomerGrains.Grains.Calls;

/// <summary>
/// Reads through the loss of a silo. When a silo dies, calls to the grains it held fail (the silo is unreachable)
/// until the cluster declares it dead, a few seconds later; then the same grains activate on the other silos. A read
/// changes nothing, so it is tried again, with growing pauses, until it succeeds or <c>budget</c> has passed: the
/// caller sees a slower answer instead of an error. Writes never come here (ingest goes to the log, not to grains).
/// </summary>
public static class SiloLoss
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>True for the failures of a call whose target silo has gone (or cannot be reached) and may be tried again.</summary>
    public static bool IsSiloLoss(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException
        || (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate && aggregate.InnerExceptions.All(IsSiloLoss));

    /// <summary>Runs <paramref name="read"/>, trying again after a silo loss until <paramref name="budget"/> has passed on <paramref name="time"/>.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, TimeProvider time, TimeSpan budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await read();
            }
            catch (Exception ex) when (IsSiloLoss(ex) && time.GetElapsedTime(started) + pause <= budget)
            {
                await Task.Delay(pause, time, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }
}
