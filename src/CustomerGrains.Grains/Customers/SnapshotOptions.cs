using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Customers;

/// <summary>When a customer grain writes its snapshot (configuration section <c>Snapshots</c>).</summary>
public sealed class SnapshotOptions : ISelfValidatingOptions
{
    public const string Section = "Snapshots";

    /// <summary>Write after this many newly applied events. Default 100.</summary>
    public int EveryEvents { get; set; } = 100;

    /// <summary>
    /// Write changes at most this long after they were made, while active and while the log keeps up with its appends
    /// (<c>Snapshots:YieldToAppendsAbove</c>). Default 30 s.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While the oldest append waiting for the interaction log's writer has waited longer than this, a customer whose
    /// <c>Snapshots:Interval</c> has come puts off writing its snapshot and read-model row, up to <c>Snapshots:MaxDelay</c>:
    /// the events are durable in the log already, and these writes compete with the appends for the disk (under a
    /// sustained burst they are most of its bytes, docs/benchmarks.md). 0 never puts them off. Default 100 ms.
    /// </summary>
    public TimeSpan YieldToAppendsAbove { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The latest a change is written while the log is behind (<c>Snapshots:YieldToAppendsAbove</c>), and so the most that
    /// lists, segments and the change feed lag behind a customer then. At least <c>Snapshots:Interval</c>. Default four
    /// intervals (2 min with the default interval).
    /// </summary>
    public TimeSpan? MaxDelay { get; set; }

    private TimeSpan LatestWrite => MaxDelay ?? Interval * 4;

    /// <summary>
    /// Whether a customer whose flush timer fires for the <paramref name="tick"/>-th time (1 for the first) since its
    /// oldest unwritten change puts the write off, the log's oldest append having waited <paramref name="appendWait"/>:
    /// only while the log is behind, and only if the next tick still comes within <see cref="MaxDelay"/>.
    /// </summary>
    public bool PutsOff(TimeSpan appendWait, int tick) =>
        YieldToAppendsAbove > TimeSpan.Zero && appendWait > YieldToAppendsAbove && Interval * (tick + 1) <= LatestWrite;

    public IEnumerable<string> Validate()
    {
        if (EveryEvents < 1)
        {
            yield return $"{nameof(EveryEvents)} must be at least 1 (was {EveryEvents})";
        }
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(Interval)} must be between 1 s and 1 day (was {Interval})";
        }
        if (YieldToAppendsAbove < TimeSpan.Zero || YieldToAppendsAbove > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(YieldToAppendsAbove)} must be between 0 (never) and 10 minutes (was {YieldToAppendsAbove})";
        }
        if (MaxDelay is { } max && (max < Interval || max > TimeSpan.FromDays(1)))
        {
            yield return $"{nameof(MaxDelay)} must be between {nameof(Interval)} ({Interval}) and 1 day (was {MaxDelay})";
        }
    }
}
