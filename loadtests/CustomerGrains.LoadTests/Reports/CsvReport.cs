using System.Globalization;
using System.Text;
using CustomerGrains.LoadTests.Runner;
using HdrHistogram;

namespace CustomerGrains.LoadTests.Reports;

/// <summary>
/// The report as CSV files: <c>summary.csv</c> (the summary table), <c>percentiles.csv</c> (the full
/// percentile spectrum of response and service times of every step) and <c>timeline.csv</c> (per second).
/// </summary>
internal static class CsvReport
{
    public static string Summary(RunResult run)
    {
        var csv = new StringBuilder();
        Line(csv, ReportFigures.SummaryColumns);
        foreach (var (scenario, figures, label) in ReportFigures.Rows(run))
        {
            Line(csv, ReportFigures.SummaryCells(scenario, figures, label));
        }
        return csv.ToString();
    }

    public static string Percentiles(RunResult run)
    {
        var csv = new StringBuilder();
        Line(csv, ["scenario", "step", "time", "percentile", "value_ms", "count_at_or_below"]);
        foreach (var (scenario, figures, _) in ReportFigures.Rows(run))
        {
            var step = ReferenceEquals(figures, scenario.Iterations) ? "(iteration)" : figures.Name;
            Spectrum(csv, scenario.Name, step, "response", figures.Response);
            Spectrum(csv, scenario.Name, step, "service", figures.Service);
        }
        return csv.ToString();
    }

    public static string Timeline(RunResult run)
    {
        var csv = new StringBuilder();
        Line(csv, ["scenario", "second", "ok", "fail", "p50_ms", "p99_ms", "max_ms", "in_flight"]);
        foreach (var scenario in run.Scenarios)
        {
            foreach (var p in scenario.Timeline)
            {
                Line(csv,
                [
                    scenario.Name, ReportFigures.F(p.Second, "0.000"), p.Ok.ToString(CultureInfo.InvariantCulture), p.Fail.ToString(CultureInfo.InvariantCulture),
                    ReportFigures.F(p.P50, "0.000"), ReportFigures.F(p.P99, "0.000"), ReportFigures.F(p.Max, "0.000"), p.InFlight.ToString(CultureInfo.InvariantCulture),
                ]);
            }
        }
        return csv.ToString();
    }

    /// <summary>Every percentile step HdrHistogram iterates (5 ticks per halving of the distance to 100%).</summary>
    private static void Spectrum(StringBuilder csv, string scenario, string step, string time, HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return;
        }
        foreach (var v in histogram.Percentiles(5))
        {
            Line(csv,
            [
                scenario, step, time, ReportFigures.F(v.PercentileLevelIteratedTo, "0.#####"),
                ReportFigures.F(Latency.Milliseconds(v.ValueIteratedTo), "0.0000"), v.TotalCountToThisValue.ToString(CultureInfo.InvariantCulture),
            ]);
        }
    }

    private static void Line(StringBuilder csv, IEnumerable<string> cells) =>
        csv.AppendJoin(',', cells.Select(c => c.Contains(',', StringComparison.Ordinal) || c.Contains('"', StringComparison.Ordinal) ? $"\"{c.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : c)).Append('\n');
}
