using System.Globalization;
using HdrHistogram;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// The dispatch lag a generator may have and still measure the server: at most <paramref name="P50Ms"/> at the
/// median and <paramref name="P99Ms"/> at p99 (docs/performance.md: 0.2 ms and 1 ms, so that a 2 ms p99 is the
/// server's and not the generator's).
/// </summary>
public sealed record GeneratorLimits(double P50Ms, double P99Ms)
{
    public static readonly GeneratorLimits Default = new(0.2, 1.0);

    /// <summary>Reads <c>P50,P99</c> in milliseconds (e.g. <c>0.2,1</c>); both above zero.</summary>
    public static GeneratorLimits Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var p50)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p99)
            || p50 <= 0 || p99 <= 0 || p50 > p99)
        {
            throw new FormatException($"--max-lag '{text}': expected the dispatch lag allowed at p50 and p99 in ms, as P50,P99 with 0 < P50 <= P99 (e.g. 0.2,1).");
        }
        return new(p50, p99);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 <= {P50Ms:0.###} ms, p99 <= {P99Ms:0.###} ms");
}

/// <summary>What the generator's self-check found for one scenario.</summary>
/// <param name="Applies">False for the closed model (no intended times, so no dispatch lag).</param>
/// <param name="Bottleneck">Whether the generator's own lag was over its limits: the scenario's latencies are partly the generator's.</param>
/// <param name="Text">One line for the report and the console.</param>
public sealed record GeneratorVerdict(bool Applies, bool Bottleneck, string Text);

/// <summary>
/// The generator checks itself: when its dispatch lag (how late requests left after their intended times) is over
/// the limits, the latencies it measured include its own delay, so the report flags the scenario instead of
/// presenting the figures as the server's.
/// </summary>
public static class GeneratorCheck
{
    public static GeneratorVerdict Assess(LongHistogram lag, bool openModel, GeneratorLimits limits)
    {
        ArgumentNullException.ThrowIfNull(lag);
        return !openModel || lag.TotalCount == 0
            ? Assess(openModel, 0, double.NaN, double.NaN, limits)
            : Assess(openModel, lag.TotalCount, Latency.Milliseconds(lag.GetValueAtPercentile(50)), Latency.Milliseconds(lag.GetValueAtPercentile(99)), limits);
    }

    /// <summary>The verdict from the lag's percentiles in ms over <paramref name="sends"/> sends.</summary>
    public static GeneratorVerdict Assess(bool openModel, long sends, double p50Ms, double p99Ms, GeneratorLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (!openModel)
        {
            return new(false, false, "not applicable: closed model (each copy sends when its previous answer arrived; there is no intended time to be late for)");
        }
        if (sends == 0)
        {
            return new(false, false, "not applicable: nothing was sent");
        }
        var over = new List<string>();
        if (p50Ms > limits.P50Ms)
        {
            over.Add(string.Create(CultureInfo.InvariantCulture, $"p50 {p50Ms:0.000} ms > {limits.P50Ms:0.###} ms"));
        }
        if (p99Ms > limits.P99Ms)
        {
            over.Add(string.Create(CultureInfo.InvariantCulture, $"p99 {p99Ms:0.000} ms > {limits.P99Ms:0.###} ms"));
        }
        return over.Count == 0
            ? new(true, false, string.Create(CultureInfo.InvariantCulture,
                $"ok: dispatch lag p50 {p50Ms:0.000} ms, p99 {p99Ms:0.000} ms, within {limits}"))
            : new(true, true,
                $"GENERATOR WAS THE BOTTLENECK: dispatch lag {string.Join(", ", over)}; this scenario's latencies include the generator's own delay, "
                + "so they are not the server's (take figures on a quiet machine, with --realtime on, more --senders or a lower rate)");
    }
}
