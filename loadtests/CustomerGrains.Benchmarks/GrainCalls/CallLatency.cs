using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace CustomerGrains.Benchmarks.GrainCalls;

/// <summary>The latency distribution of one kind of call at one concurrency, with the throughput it ran at.</summary>
internal sealed record CallResult(
    string Path, string Operation, int Callers, long Calls, long Errors, LongHistogram Histogram, TimeSpan Elapsed, double AllocatedBytesPerCall)
{
    /// <summary>A percentile in microseconds (the histogram holds <see cref="Stopwatch"/> ticks).</summary>
    public double Micros(double percentile) => ToMicros(Histogram.GetValueAtPercentile(percentile));

    public double MaxMicros => ToMicros(Histogram.GetMaxValue());

    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    private static double ToMicros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public static string TableHeader =>
        "| client | call | callers | calls | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | calls/s | alloc/call | errors |\n" +
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    public string TableRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Path} | {Operation} | {Callers} | {Calls} | {Micros(50):0} | {Micros(90):0} | {Micros(99):0} | {Micros(99.9):0} | {MaxMicros:0} | {CallsPerSecond:0} | {AllocatedBytesPerCall / 1024:0.0} KB | {Errors} |");
}

/// <summary>
/// Closed-loop callers: each caller makes its next call when the previous one answered, over its own share
/// of the customers in a shuffled order. Every call's time (from just before the call to its answer, in
/// <see cref="Stopwatch"/> ticks) goes into the caller's HdrHistogram; the callers' histograms are merged.
/// This measures service time at the given concurrency, not latency under an open arrival rate (that is the
/// load runner's job, which accounts for coordinated omission).
/// </summary>
internal static class CallLatency
{
    /// <summary>Highest recordable time: 60 s.</summary>
    private static readonly long HighestTicks = Stopwatch.Frequency * 60;

    public static async Task<CallResult> MeasureAsync(
        string path, string operation, IReadOnlyList<string> customers, int callers, int calls, int warmup,
        Func<string, Task<bool>> call)
    {
        // Warm-up, not recorded: JIT, activations touched again, connection and thread pool sizes.
        await RunAsync(customers, callers, warmup, call, record: false, seed: 1);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var clock = Stopwatch.StartNew();
        var (histogram, errors) = await RunAsync(customers, callers, calls, call, record: true, seed: 2);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        return new CallResult(path, operation, callers, histogram.TotalCount, errors, histogram, clock.Elapsed, (double)allocated / calls);
    }

    private static async Task<(LongHistogram Histogram, long Errors)> RunAsync(
        IReadOnlyList<string> customers, int callers, int calls, Func<string, Task<bool>> call, bool record, int seed)
    {
        var order = customers.ToArray();
        new Random(seed).Shuffle(order);
        var histograms = new LongHistogram[callers];
        var errors = new long[callers];
        var workers = new Task[callers];
        for (var w = 0; w < callers; w++)
        {
            var worker = w;
            var share = (calls / callers) + (worker < calls % callers ? 1 : 0);
            histograms[worker] = new LongHistogram(HighestTicks, 3);
            workers[worker] = Task.Run(async () =>
            {
                var histogram = histograms[worker];
                var next = worker * (order.Length / callers);
                for (var i = 0; i < share; i++)
                {
                    var customer = order[next++ % order.Length];
                    var start = Stopwatch.GetTimestamp();
                    bool ok;
                    try
                    {
                        ok = await call(customer);
                    }
#pragma warning disable CA1031 // A failed call is counted, not fatal: the report shows how many.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        ok = false;
                    }
                    var elapsed = Stopwatch.GetTimestamp() - start;
                    if (!ok)
                    {
                        errors[worker]++;
                    }
                    else if (record)
                    {
                        histogram.RecordValue(Math.Clamp(elapsed, 1, HighestTicks));
                    }
                }
            });
        }
        await Task.WhenAll(workers);
        var total = new LongHistogram(HighestTicks, 3);
        foreach (var h in histograms)
        {
            total.Add(h);
        }
        return (total, errors.Sum());
    }
}
