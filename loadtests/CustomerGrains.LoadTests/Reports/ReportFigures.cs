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
            f.Requests == 0 ? "0" : F(f.Bytes / (double)f.Requests, "0"),
        ];
    }

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
            ]);
        }
        return rows;
    }

    public static readonly string[] ComparisonColumns =
        ["compared with the engine", "role", "p50 ms", "p99 ms", "p50 ratio (it / engine)", "p99 ratio (it / engine)", "achieved rate ratio"];

    public static double Ratio(double value, double engine) => engine <= 0 ? double.NaN : value / engine;

    /// <summary>The generator's own cost and accuracy per scenario.</summary>
    public static IEnumerable<string[]> GeneratorRows(RunResult run) => run.Scenarios.Select(s => new[]
    {
        s.Name,
        F(s.Generator.CpuCores),
        s.Generator.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        F(s.Generator.AllocatedKbPerIteration, "0.0"),
        $"{s.Generator.Gen0}/{s.Generator.Gen1}/{s.Generator.Gen2}",
        s.Lag.TotalCount == 0 ? "" : F(Latency.Milliseconds(s.Lag.GetValueAtPercentile(50)), "0.000"),
        s.Lag.TotalCount == 0 ? "" : F(Latency.Milliseconds(s.Lag.GetValueAtPercentile(99)), "0.000"),
        s.Lag.TotalCount == 0 ? "" : F(Latency.Milliseconds(HdrHistogram.HistogramExtensions.GetMaxValue(s.Lag)), "0.000"),
        s.OpenModel ? $"{s.LateIterations} (> {F(s.LateAfter.TotalMilliseconds, "0.#")} ms)" : "closed model",
    });

    public static readonly string[] GeneratorColumns =
        ["scenario (stage)", "generator CPU (cores)", "cores on machine", "KB allocated / iteration", "GC gen0/1/2", "start lag p50 ms", "start lag p99 ms", "start lag max ms", "late starts"];
}
