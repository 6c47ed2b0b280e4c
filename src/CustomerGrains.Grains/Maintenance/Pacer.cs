namespace CustomerGrains.Grains.Maintenance;

/// <summary>
/// Spaces the starts of background work evenly at a rate: the n-th turn (counting from 0) may start n / rate seconds
/// after the pacer was made, never earlier. Work that fell behind its schedule (slow turns) starts at once until it is
/// back on it, so the average over a run never exceeds the rate. Safe to share between concurrent callers.
/// </summary>
internal sealed class Pacer
{
    private readonly double perSecond;
    private readonly TimeProvider time;
    private readonly long start;
    private long issued = -1;

    public Pacer(double perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        this.perSecond = perSecond;
        this.time = time;
        start = time.GetTimestamp();
    }

    /// <summary>Completes when the caller's turn is due.</summary>
    public Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        var turn = Interlocked.Increment(ref issued);
        var wait = TimeSpan.FromSeconds(turn / perSecond) - time.GetElapsedTime(start);
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
