using System.Globalization;
using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Reports;

/// <summary>The figures every report shows, in one place so the Markdown, HTML, CSV and console agree.</summary>
internal static class ReportFigures
{
    public static readonly double[] Percentiles = [50, 75, 95, 99, 99.9];

    public const string SharedMachine =
        "The load generator runs on the same machine as the server and takes CPU from it; absolute figures move from run to run, compare ratios measured in one run.";

    public static string F(double value, string format = "0.00") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Rate(double value) => F(value, "0.0");

    /// <summary>The rows of the summary table: whole iterations and, when a scenario has several steps, each step.</summary>
    public static IEnumerable<(ScenarioResult Scenario, StepFigures Figures, string Label)> Rows(RunResult run)
    {
        foreach (var scenario in run.Scenarios)
        {
            yield return (scenario, scenario.Iterations, scenario.Name);
            if (scenario.Steps.Count > 1)
            {
                foreach (var step in scenario.Steps)
                {
                    yield return (scenario, step, $"{scenario.Name}.{step.Name}");
                }
            }
        }
    }

    public static readonly string[] SummaryColumns =
    [
        "scenario", "role", "model", "target/s", "achieved/s", "requests", "ok", "fail", "fail %", "late",
        "p50 ms", "p75 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms", "service p50 ms", "service p99 ms", "bytes/resp",
        "dispatch lag p50 ms", "dispatch lag p99 ms", "dispatch lag max ms",
    ];

    public static string[] SummaryCells(ScenarioResult s, StepFigures f, string label)
    {
        var isIteration = ReferenceEquals(f, s.Iterations);
        var seconds = s.Duration.TotalSeconds;
        return
        [
            label,
            s.Role.ToString().ToLowerInvariant(),
            s.OpenModel ? "open" : "closed",
            isIteration && s.OpenModel ? Rate(s.TargetRate) : "",
            Rate(seconds > 0 ? f.Requests / seconds : 0),
            f.Requests.ToString(CultureInfo.InvariantCulture),
            f.Ok.ToString(CultureInfo.InvariantCulture),
            f.Fail.ToString(CultureInfo.InvariantCulture),
            F(f.FailPercent, "0.###"),
            isIteration && s.OpenModel ? s.LateIterations.ToString(CultureInfo.InvariantCulture) : "",
            .. Percentiles.Select(p => F(f.ResponseMs(p))),
            F(f.ResponseMaxMs),
            F(f.ServiceMs(50)),
            F(f.ServiceMs(99)),
            f.Requests == 0 ? "0" : BytesPerResponse(f),
            .. isIteration ? LagCells(s) : ["", "", ""],
        ];
    }

    /// <summary>
    /// The dispatch lag (intended start to actual send) at p50, p99 and max in ms, empty for the closed model:
    /// when it is not far below a response time, that response time is the generator's, not the server's.
    /// </summary>
    public static string[] LagCells(ScenarioResult s) => s.Lag.TotalCount == 0 ? ["", "", ""] :
    [
        F(Latency.Milliseconds(s.Lag.GetValueAtPercentile(50)), "0.000"),
        F(Latency.Milliseconds(s.Lag.GetValueAtPercentile(99)), "0.000"),
        F(Latency.Milliseconds(HdrHistogram.HistogramExtensions.GetMaxValue(s.Lag)), "0.000"),
    ];

    /// <summary>The engine beside the baseline and the floors: p50, p99 and the ratio baseline / engine.</summary>
    public static IReadOnlyList<string[]> Comparison(RunResult run)
    {
        var engine = run.Scenarios.FirstOrDefault(s => s.Role == ScenarioRole.Engine);
        if (engine is null)
        {
            return [];
        }
        var rows = new List<string[]>();
        foreach (var other in run.Scenarios.Where(s => s.Role is ScenarioRole.Baseline or ScenarioRole.Floor))
        {
            rows.Add(
            [
                other.Name,
                other.Role.ToString().ToLowerInvariant(),
                F(other.Iterations.ResponseMs(50)),
                F(other.Iterations.ResponseMs(99)),
                F(Ratio(other.Iterations.ResponseMs(50), engine.Iterations.ResponseMs(50))),
                F(Ratio(other.Iterations.ResponseMs(99), engine.Iterations.ResponseMs(99))),
                F(Ratio(other.AchievedRate, engine.AchievedRate)),
                BytesPerResponse(other.Iterations),
                BytesPerResponse(engine.Iterations),
                F(Ratio(Bytes(other.Iterations), Bytes(engine.Iterations))),
            ]);
        }
        return rows;
    }

    public static readonly string[] ComparisonColumns =
        ["compared with the engine", "role", "p50 ms", "p99 ms", "p50 ratio (it / engine)", "p99 ratio (it / engine)", "achieved rate ratio",
         "bytes/resp (it)", "bytes/resp (engine)", "bytes ratio (it / engine)"];

    /// <summary>The average answer size of a scenario's iterations (the body bytes the steps read), NaN without requests.</summary>
    public static double Bytes(StepFigures f) => f.Requests == 0 ? double.NaN : f.Bytes / (double)f.Requests;

    public static string BytesPerResponse(StepFigures f) => F(Bytes(f), "0");

    public static double Ratio(double value, double engine) => engine <= 0 ? double.NaN : value / engine;

    /// <summary>The generator's own cost and accuracy per scenario.</summary>
    public static IEnumerable<string[]> GeneratorRows(RunResult run) => run.Scenarios.Select(s => (string[])
    [
        s.Name,
        F(s.Generator.CpuCores),
        s.Generator.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        F(s.Generator.AllocatedKbPerIteration, "0.0"),
        $"{s.Generator.Gen0}/{s.Generator.Gen1}/{s.Generator.Gen2}",
        .. LagCells(s),
        s.OpenModel ? $"{s.LateIterations} (> {F(s.LateAfter.TotalMilliseconds, "0.#")} ms)" : "closed model",
    ]);

    /// <summary>The generator's self-check per scenario: whether its own dispatch lag let it measure the server, and its threads' priority.</summary>
    public static IEnumerable<string[]> SelfCheckRows(RunResult run) =>
        run.Scenarios.Select(s => new[] { s.Name, s.SelfCheck.Text, s.SenderPriority });

    public static readonly string[] SelfCheckColumns = ["scenario", "generator self-check (dispatch lag against its limits)", "sender threads"];

    /// <summary>The console's and the report's warning line when the generator was the bottleneck anywhere; null when it never was.</summary>
    public static string? GeneratorWarning(RunResult run) => run.GeneratorBound is { Count: > 0 } bound
        ? $"WARNING: the generator was the bottleneck in {string.Join(", ", bound.Select(s => s.Name))}: its own dispatch lag was over its limits, so those latencies are partly the generator's, not the server's."
        : null;

    public static readonly string[] GeneratorColumns =
        ["scenario (stage)", "generator CPU (cores)", "cores on machine", "KB allocated / iteration", "GC gen0/1/2", "dispatch lag p50 ms", "dispatch lag p99 ms", "dispatch lag max ms", "late starts"];

    public static readonly string[] WrkColumns = ["measured by", "model", "rate/s", "p50 ms", "p75 ms", "p90 ms", "p99 ms", "max ms", "errors"];

    /// <summary>The runner's HTTP floor (from the intended time and from the send) beside wrk's closed loop on the same endpoint; empty without wrk.</summary>
    public static IReadOnlyList<string[]> WrkRows(RunResult run)
    {
        if (run.Wrk is not { } wrk)
        {
            return [];
        }
        var rows = new List<string[]>();
        if (run.Scenarios.FirstOrDefault(s => s.Name == "floor-http") is { } floor)
        {
            var f = floor.Iterations;
            rows.Add(["runner `floor-http`, from the intended time", "open", Rate(floor.AchievedRate),
                F(f.ResponseMs(50)), F(f.ResponseMs(75)), F(f.ResponseMs(90)), F(f.ResponseMs(99)), F(f.ResponseMaxMs), f.Fail.ToString(CultureInfo.InvariantCulture)]);
            rows.Add(["runner `floor-http`, from the send", "open", Rate(floor.AchievedRate),
                F(f.ServiceMs(50)), F(f.ServiceMs(75)), F(f.ServiceMs(90)), F(f.ServiceMs(99)), F(f.ServiceMs(100)), f.Fail.ToString(CultureInfo.InvariantCulture)]);
        }
        rows.Add([$"`{wrk.Command}`", "closed", Rate(wrk.RequestsPerSecond),
            F(wrk.P50), F(wrk.P75), F(wrk.P90), F(wrk.P99), F(wrk.Max), (wrk.Non2xx + wrk.SocketErrors).ToString(CultureInfo.InvariantCulture)]);
        return rows;
    }
}
