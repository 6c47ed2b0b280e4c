using System.Diagnostics;
using HdrHistogram;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>Latencies are recorded in <see cref="Stopwatch"/> ticks and scaled to milliseconds only for output.</summary>
public static class Latency
{
    /// <summary>The longest latency a histogram tracks: 10 minutes.</summary>
    public static readonly long HighestTicks = TimeSpan.FromMinutes(10).Ticks * (Stopwatch.Frequency / TimeSpan.TicksPerSecond);

    /// <summary>A recorder for many threads: writes are wait-free, reads swap an interval histogram out.</summary>
    public static Recorder NewRecorder() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestTicks).WithPrecisionOf(3)
            .WithThreadSafeWrites().WithThreadSafeReads().Create();

    /// <summary>A histogram for one reader, to sum interval histograms into.</summary>
    public static LongHistogram NewHistogram() => new(HighestTicks, 3);

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Records a value, clamping it into the tracked range.</summary>
    public static void Record(Recorder recorder, long ticks) => recorder.RecordValue(Math.Clamp(ticks, 1, HighestTicks));
}
