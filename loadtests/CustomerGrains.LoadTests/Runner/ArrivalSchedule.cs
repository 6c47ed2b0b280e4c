namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// The intended start times of one open-model phase whose rate moves linearly from <c>a</c> to <c>b</c> per second
/// (a constant rate, a ramp or a pause), in seconds from the phase's start. The n-th start (from 1) is due when the
/// planned count, the integral of the rate, reaches n (constant arrivals), or when it reaches the sum of n
/// exponential draws of mean 1 (Poisson arrivals: independent callers at the same mean rate).
/// <para>
/// One schedule can be shared by several sender threads: each builds its own with the same seed and takes every
/// <c>senders</c>-th start from <c>sender</c> on, so together they send exactly the single-sender schedule, each
/// start once. Nothing is allocated per start.
/// </para>
/// </summary>
internal sealed class ArrivalSchedule
{
    private readonly double from;
    private readonly double slope;
    private readonly double seconds;
    private readonly Random? gaps;
    private readonly int sender;
    private readonly int senders;
    private double count;
    private long index = -1;

    /// <param name="fromPerSecond">The rate at the phase's start.</param>
    /// <param name="toPerSecond">The rate at its end.</param>
    /// <param name="during">How long the phase lasts; no start is due at or after its end.</param>
    /// <param name="arrivals">Evenly spaced or Poisson.</param>
    /// <param name="seed">The seed of the Poisson draws (every sender of one phase passes the same).</param>
    /// <param name="sender">Which share of the starts this schedule yields, from 0.</param>
    /// <param name="senders">How many senders share the phase.</param>
    public ArrivalSchedule(double fromPerSecond, double toPerSecond, TimeSpan during, Arrivals arrivals, int seed, int sender = 0, int senders = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(toPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(senders, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(sender);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sender, senders);
        seconds = during.TotalSeconds;
        from = fromPerSecond;
        slope = seconds > 0 ? (toPerSecond - fromPerSecond) / seconds : 0;
        gaps = arrivals == Arrivals.Poisson ? new Random(seed) : null;
        this.sender = sender;
        this.senders = senders;
    }

    /// <summary>The phase's length in seconds.</summary>
    public double Seconds => seconds;

    /// <summary>The number of the start last returned by <see cref="TryNext"/> within the whole phase (all senders), from 0.</summary>
    public long Index => index;

    /// <summary>
    /// The next start of this sender's share, in seconds from the phase's start (never decreasing); false when the
    /// phase has no more starts.
    /// </summary>
    public bool TryNext(out double at)
    {
        while (true)
        {
            index++;
            // Every start's draw is taken, whoever sends it, so that all senders see the same sequence.
            count += gaps is null ? 1 : -Math.Log(1 - gaps.NextDouble());
            if (index % senders != sender)
            {
                continue;
            }
            at = TimeForCount(from, slope, count);
            return !double.IsNaN(at) && at < seconds;
        }
    }

    /// <summary>The time at which the rate <c>a + b t</c> integrates to <paramref name="count"/>; NaN if it never does.</summary>
    internal static double TimeForCount(double a, double b, double count)
    {
        if (Math.Abs(b) < 1e-12)
        {
            return a > 0 ? count / a : double.NaN;
        }
        var discriminant = (a * a) + (2 * b * count);
        return discriminant < 0 ? double.NaN : (-a + Math.Sqrt(discriminant)) / b;
    }
}
