using System.Diagnostics.Metrics;
using CustomerGrains.Grains.Service;

namespace CustomerGrains.Grains.Diagnostics;

/// <summary>
/// The delivery lag per log partition as gauges on the engine's meter: events appended but not yet delivered, and the
/// age in seconds of the oldest of them. Observed when metrics are collected, from the backlog monitor's latest reading
/// (one query of the log per <see cref="ReadingMaxAge"/> at most, however often the metrics are scraped). Beside them, how
/// long the oldest append of this process has been waiting for the log's writer (read from memory).
/// </summary>
public sealed class DeliveryLagGauges
{
    public static readonly TimeSpan ReadingMaxAge = TimeSpan.FromSeconds(5);

    private const string PartitionTag = "partition";

    public DeliveryLagGauges(IMeterFactory meters, DeliveryBacklogMonitor backlog, Log.IInteractionLog log, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(EngineMetrics.MeterName);
        meter.CreateObservableGauge("customergrains.delivery.lag.events",
            () => Observe(backlog, p => p.Behind), "{event}", "Events appended to a log partition and not yet delivered to their customers");
        meter.CreateObservableGauge("customergrains.delivery.lag.seconds",
            () => Observe(backlog, p => p.OldestBehindAppendedAt is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0),
            "s", "Age of the oldest event of a log partition not yet delivered to its customer (0 when none is behind)");
        meter.CreateObservableGauge("customergrains.log.append_wait.seconds", () => log.AppendWait.TotalSeconds,
            "s", "How long the oldest append of this process not yet durable has waited for the log's writer (0 when it keeps up)");
    }

    private static IEnumerable<Measurement<T>> Observe<T>(DeliveryBacklogMonitor backlog, Func<Log.PartitionBacklog, T> value) where T : struct =>
        backlog.Latest(ReadingMaxAge) is { } reading
            ? reading.Partitions.Select(p => new Measurement<T>(value(p), new KeyValuePair<string, object?>(PartitionTag, p.Partition)))
            : [];
}
