using HdrHistogram;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>The response times of one sampling interval, in milliseconds.</summary>
public readonly record struct IntervalFigures(long Count, double P50, double P99, double Max);

/// <summary>
/// The live counters of one step (or of a whole iteration): written by many request threads without
/// locks or allocation, read once a second by the sampler.
/// </summary>
public sealed class StepStats(string name)
{
    private const int StatusSlots = 600;
    private readonly Recorder response = Latency.NewRecorder();
    private readonly Recorder service = Latency.NewRecorder();
    private readonly long[] statuses = new long[StatusSlots + 3];
    private long ok;
    private long fail;
    private long bytes;

    public string Name { get; } = name;

    /// <summary>From the intended start (coordinated omission corrected) to the end.</summary>
    public LongHistogram Response { get; } = Latency.NewHistogram();

    /// <summary>From the actual send to the end.</summary>
    public LongHistogram Service { get; } = Latency.NewHistogram();

    public long OkCount => Volatile.Read(ref ok);

    public long FailCount => Volatile.Read(ref fail);

    public long Bytes => Volatile.Read(ref bytes);

    private HistogramBase? recycledResponse;
    private HistogramBase? recycledService;

    public void Record(in StepResult result, long responseTicks, long serviceTicks)
    {
        Latency.Record(response, responseTicks);
        Latency.Record(service, serviceTicks);
        Interlocked.Increment(ref result.IsOk ? ref ok : ref fail);
        Interlocked.Add(ref bytes, result.SizeBytes);
        var slot = result.Status is >= 0 and < StatusSlots ? result.Status : StatusSlots - result.Status - 1;
        Interlocked.Increment(ref statuses[Math.Clamp(slot, 0, statuses.Length - 1)]);
    }

    /// <summary>Swaps the recorders' interval histograms into the totals; returns the interval's response times.</summary>
    public IntervalFigures Sample()
    {
        var interval = response.GetIntervalHistogram(recycledResponse);
        Response.Add(interval);
        recycledResponse = interval;
        var serviceInterval = service.GetIntervalHistogram(recycledService);
        Service.Add(serviceInterval);
        recycledService = serviceInterval;
        return interval.TotalCount == 0
            ? default
            : new IntervalFigures(interval.TotalCount, Latency.Milliseconds(interval.GetValueAtPercentile(50)),
                Latency.Milliseconds(interval.GetValueAtPercentile(99)), Latency.Milliseconds(interval.GetMaxValue()));
    }

    /// <summary>The answers by status, most frequent first.</summary>
    public IReadOnlyList<(string Status, long Count)> Statuses()
    {
        var list = new List<(string, long)>();
        for (var i = 0; i < statuses.Length; i++)
        {
            var count = Volatile.Read(ref statuses[i]);
            if (count > 0)
            {
                list.Add((StepResult.StatusName(i < StatusSlots ? i : StatusSlots - i - 1), count));
            }
        }
        return [.. list.OrderByDescending(s => s.Item2)];
    }
}
