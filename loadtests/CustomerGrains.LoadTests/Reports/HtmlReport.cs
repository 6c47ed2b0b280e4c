using System.Net;
using System.Text;
using System.Text.Json;
using CustomerGrains.LoadTests.Runner;
using HdrHistogram;

namespace CustomerGrains.LoadTests.Reports;

/// <summary>
/// The report as one self-contained HTML file: the tables, inline SVG charts (latency over time, the
/// percentile curve, throughput) and the charts' data as JSON in <c>&lt;script id="report-data"&gt;</c>.
/// </summary>
internal static class HtmlReport
{
    public static string Render(RunResult run)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(run.Title))
            .Append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}.fail{color:#b00;font-weight:bold}</style></head><body>");
        html.Append("<h1>").Append(WebUtility.HtmlEncode(run.Title)).Append("</h1><ul>");
        foreach (var line in new[] { $"date: {run.StartedAt:u}", $"command: {run.CommandLine}" }.Concat(run.Header).Append(ReportFigures.SharedMachine))
        {
            html.Append("<li>").Append(WebUtility.HtmlEncode(line)).Append("</li>");
        }
        html.Append("</ul><h2>Summary</h2>");
        Table(html, ReportFigures.SummaryColumns, ReportFigures.Rows(run).Select(r => ReportFigures.SummaryCells(r.Scenario, r.Figures, r.Label)));
        if (ReportFigures.Comparison(run) is { Count: > 0 } comparison)
        {
            html.Append("<h2>Engine beside the baseline and the floors</h2>");
            Table(html, ReportFigures.ComparisonColumns, comparison);
        }
        if (ReportFigures.WrkRows(run) is { Count: > 0 } wrk)
        {
            html.Append("<h2>Outside check: wrk on the HTTP floor</h2>");
            Table(html, ReportFigures.WrkColumns, wrk);
        }
        if (run.Thresholds.Count > 0)
        {
            html.Append("<h2>Thresholds</h2>");
            Table(html, ["threshold", "measured", "result"], run.Thresholds.Select(t => new[]
                { t.Threshold.ToString(), ReportFigures.F(t.Actual, "0.###"), t.Passed ? "passed" : "FAILED" }));
        }
        html.Append("<h2>Generator self-check</h2>");
        if (ReportFigures.GeneratorWarning(run) is { } warning)
        {
            html.Append("<p><strong>").Append(System.Net.WebUtility.HtmlEncode(warning)).Append("</strong></p>");
        }
        Table(html, ReportFigures.SelfCheckColumns, ReportFigures.SelfCheckRows(run));
        html.Append("<h2>The generator's own cost</h2>");
        Table(html, ReportFigures.GeneratorColumns, ReportFigures.GeneratorRows(run));

        html.Append("<h2>Percentile curve</h2>");
        var curve = new SvgChart("Response time by percentile (from the intended start)", "percentile", "ms (log)")
        {
            LogY = true,
            XTicks = [(0, "0%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%"), (5, "99.999%")],
        };
        foreach (var scenario in run.Scenarios)
        {
            curve.Add(scenario.Name, Curve(scenario.Iterations.Response));
        }
        html.Append(curve.Render());

        foreach (var scenario in run.Scenarios)
        {
            html.Append("<h2>").Append(WebUtility.HtmlEncode(scenario.Name)).Append("</h2>");
            foreach (var note in scenario.Notes.Concat(scenario.Extra.Select(e => $"{e.Name}: {e.Value}")))
            {
                html.Append("<p>").Append(WebUtility.HtmlEncode(note)).Append("</p>");
            }
            html.Append(new SvgChart("Latency over time (per second, from the intended start)", "seconds", "ms (log)") { LogY = true }
                .Add("p50", [.. scenario.Timeline.Where(p => p.Ok + p.Fail > 0).Select(p => (p.Second, p.P50))])
                .Add("p99", [.. scenario.Timeline.Where(p => p.Ok + p.Fail > 0).Select(p => (p.Second, p.P99))])
                .Add("max", [.. scenario.Timeline.Where(p => p.Ok + p.Fail > 0).Select(p => (p.Second, p.Max))])
                .Render());
            html.Append(new SvgChart("Throughput (completed per second)", "seconds", "per second")
                .Add("ok", [.. scenario.Timeline.Select(p => (p.Second, (double)p.Ok))])
                .Add("fail", [.. scenario.Timeline.Select(p => (p.Second, (double)p.Fail))])
                .Add("target", [.. scenario.Timeline.Select(p => (p.Second, scenario.TargetRate))])
                .Render());
        }

        html.Append("<script type=\"application/json\" id=\"report-data\">")
            .Append(JsonSerializer.Serialize(Data(run)).Replace("</", "<\\/", StringComparison.Ordinal))
            .Append("</script></body></html>");
        return html.ToString();
    }

    /// <summary>x = log10(1 / (1 - p)): 1 is 90%, 2 is 99%, 3 is 99.9%; y in ms.</summary>
    private static List<(double X, double Y)> Curve(HistogramBase histogram)
    {
        var points = new List<(double, double)>();
        if (histogram.TotalCount == 0)
        {
            return points;
        }
        foreach (var v in histogram.Percentiles(5))
        {
            var p = v.PercentileLevelIteratedTo / 100;
            if (p >= 1)
            {
                break;
            }
            points.Add((Math.Log10(1 / (1 - p)), Latency.Milliseconds(v.ValueIteratedTo)));
        }
        points.Add((points.Count == 0 ? 0 : Math.Max(points[^1].Item1, Math.Log10(histogram.TotalCount)), Latency.Milliseconds(histogram.GetMaxValue())));
        return points;
    }

    private static object Data(RunResult run) => new
    {
        title = run.Title,
        startedAt = run.StartedAt,
        scenarios = run.Scenarios.Select(s => new
        {
            name = s.Name,
            role = s.Role.ToString().ToLowerInvariant(),
            targetRate = s.TargetRate,
            achievedRate = s.AchievedRate,
            timeline = s.Timeline.Select(p => new { second = p.Second, ok = p.Ok, fail = p.Fail, p50 = p.P50, p99 = p.P99, max = p.Max }),
            percentiles = Curve(s.Iterations.Response).Select(p => new { x = p.X, ms = p.Y }),
        }),
    };

    private static void Table(StringBuilder html, IReadOnlyList<string> columns, IEnumerable<string[]> rows)
    {
        html.Append("<table><tr>");
        foreach (var c in columns)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        }
        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append(cell == "FAILED" ? "<td class=\"fail\">" : "<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
    }
}
