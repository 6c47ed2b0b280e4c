using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CustomerGrains.Grains.Diagnostics;

/// <summary>
/// The engine's own instruments, on the meter <see cref="MeterName"/> (exported with Orleans' and ASP.NET Core's by the
/// host's OpenTelemetry set-up). Recording is a counter add or a histogram record with at most one cached tag: no
/// allocation and no lock on the read and write paths; nothing is recorded while no listener is attached.
/// </summary>
public static class EngineMetrics
{
    public const string MeterName = "CustomerGrains";

    /// <summary>Bucket bounds of the millisecond histograms: from 50 µs (a read from memory) to 10 s (a stalled store).</summary>
    public static readonly IReadOnlyList<double> MillisecondBuckets =
        [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private static readonly Meter Meter = new(MeterName, typeof(EngineMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly InstrumentAdvice<double> Milliseconds = new() { HistogramBucketBoundaries = MillisecondBuckets };

    /// <summary>Events in batches answered 202 (new and duplicates): what callers were told is safe.</summary>
    public static readonly Counter<long> EventsAcknowledged = Meter.CreateCounter<long>(
        "customergrains.events.acknowledged", "{event}", "Events acknowledged to callers (appended now or already in the log)");

    /// <summary>Events newly written to the interaction log.</summary>
    public static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>(
        "customergrains.events.appended", "{event}", "Events newly appended to the interaction log");

    /// <summary>Events applied to a customer's state (replays after a restart count again).</summary>
    public static readonly Counter<long> EventsApplied = Meter.CreateCounter<long>(
        "customergrains.events.applied", "{event}", "Events applied to a customer's state in memory (replays on activation included)");

    /// <summary>Events that threw when applied and were quarantined.</summary>
    public static readonly Counter<long> EventsQuarantined = Meter.CreateCounter<long>(
        "customergrains.events.quarantined", "{event}", "Events that could not be applied and were quarantined");

    /// <summary>How long one durable append of a batch took (the group commit it joined included).</summary>
    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>(
        "customergrains.log.append.duration", "ms", "Duration of a durable append of a batch to the interaction log", advice: Milliseconds);

    /// <summary>
    /// How long after the log acknowledged an event its customer had applied it and linked its numbers (readable by every
    /// read path): recorded by the customer for each event delivered to it live, not for replays on activation.
    /// </summary>
    public static readonly Histogram<double> EventToVisible = Meter.CreateHistogram<double>(
        "customergrains.events.visible.delay", "ms", "Time from an event's append to the interaction log until its customer has applied it", advice: Milliseconds);

    /// <summary>How long a read took on the server, by path (<see cref="ReadPaths"/>), its audit entry included.</summary>
    public static readonly Histogram<double> ReadDuration = Meter.CreateHistogram<double>(
        "customergrains.read.duration", "ms", "Duration of a customer read on the server by path (screenpop, snapshot, decision, batch), audit included", advice: Milliseconds);

    /// <summary>Customer grains active on this silo.</summary>
    public static readonly UpDownCounter<long> ActiveCustomers = Meter.CreateUpDownCounter<long>(
        "customergrains.customers.active", "{customer}", "Customer grains active on this silo");

    /// <summary>Customer snapshots written to grain storage.</summary>
    public static readonly Counter<long> SnapshotWrites = Meter.CreateCounter<long>(
        "customergrains.snapshots.written", "{snapshot}", "Customer snapshots written to grain storage");

    /// <summary>Snapshot writes a customer put off because the log's writer was behind (<c>Snapshots:YieldToAppendsAbove</c>).</summary>
    public static readonly Counter<long> SnapshotsPutOff = Meter.CreateCounter<long>(
        "customergrains.snapshots.put_off", "{snapshot}", "Snapshot and read-model writes put off while the interaction log's writer was behind");

    /// <summary>Entries durably appended to the audit trail.</summary>
    public static readonly Counter<long> AuditAppends = Meter.CreateCounter<long>(
        "customergrains.audit.appended", "{entry}", "Entries durably appended to the audit trail");

    /// <summary>Records the time since <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) in <paramref name="histogram"/>.</summary>
    public static void RecordSince(this Histogram<double> histogram, long startedTimestamp) =>
        histogram.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds);

    /// <summary>Records the time since <paramref name="startedTimestamp"/> as a read of <paramref name="path"/> (one of <see cref="ReadPaths"/>).</summary>
    public static void RecordRead(KeyValuePair<string, object?> path, long startedTimestamp) =>
        ReadDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, path);
}

/// <summary>The <c>path</c> tag of <see cref="EngineMetrics.ReadDuration"/>: one cached pair per path, so a record allocates nothing.</summary>
public static class ReadPaths
{
    public const string TagName = "path";

    public static readonly KeyValuePair<string, object?> ScreenPop = new(TagName, "screenpop");
    public static readonly KeyValuePair<string, object?> ScreenPopFull = new(TagName, "screenpop_full");
    public static readonly KeyValuePair<string, object?> Snapshot = new(TagName, "snapshot");
    public static readonly KeyValuePair<string, object?> Decision = new(TagName, "decision");
    public static readonly KeyValuePair<string, object?> Batch = new(TagName, "batch");
}
