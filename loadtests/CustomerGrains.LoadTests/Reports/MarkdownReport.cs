using System.Text;
using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Reports;

/// <summary>The report as Markdown: header, summary table, comparison, thresholds, generator, statuses, extra figures.</summary>
internal static class MarkdownReport
{
    public static string Render(RunResult run)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(run.Title).AppendLine();
        md.Append("- date: ").AppendLine(run.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        md.Append("- command: `").Append(run.CommandLine).AppendLine("`");
        foreach (var line in run.Header)
        {
            md.Append("- ").AppendLine(line);
        }
        md.Append("- ").AppendLine(ReportFigures.SharedMachine);
        md.AppendLine("- Response times are measured from each request's intended start (coordinated omission corrected); service times from its actual send.");
        md.AppendLine();
        md.AppendLine("## Summary").AppendLine();
        md.Append(Summary(run));
        md.AppendLine().AppendLine("## Generator self-check").AppendLine();
        md.Append(SelfCheck(run));
        if (Comparison(run) is { Length: > 0 } comparison)
        {
            md.AppendLine().AppendLine("## Engine beside the baseline and the floors").AppendLine();
            md.Append(comparison);
        }
        if (Wrk(run) is { Length: > 0 } wrk)
        {
            md.AppendLine().AppendLine("## Outside check: wrk on the HTTP floor").AppendLine();
            md.Append(wrk);
        }
        if (run.Thresholds.Count > 0)
        {
            md.AppendLine().AppendLine("## Thresholds").AppendLine();
            Table(md, ["threshold", "measured", "result"], run.Thresholds.Select(t => new[]
            {
                t.Threshold.ToString(), ReportFigures.F(t.Actual, "0.###"), (t.Passed ? "passed" : "FAILED") + (t.Problem is null ? "" : $" ({t.Problem})"),
            }));
        }
        md.AppendLine().AppendLine("## The generator's own cost").AppendLine();
        Table(md, ReportFigures.GeneratorColumns, ReportFigures.GeneratorRows(run));
        md.AppendLine().AppendLine("## Scenarios").AppendLine();
        foreach (var scenario in run.Scenarios)
        {
            md.Append("### ").AppendLine(scenario.Name).AppendLine();
            foreach (var note in scenario.Notes)
            {
                md.Append("- ").AppendLine(note);
            }
            foreach (var (name, value) in scenario.Extra)
            {
                md.Append("- ").Append(name).Append(": ").AppendLine(value);
            }
            foreach (var step in scenario.Steps)
            {
                md.Append("- step `").Append(step.Name).Append("` answers: ")
                  .AppendLine(string.Join(", ", step.Statuses.Select(s => $"{s.Status} x {s.Count}")));
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>The summary table alone (also printed on the console).</summary>
    public static string Summary(RunResult run)
    {
        var md = new StringBuilder();
        Table(md, ReportFigures.SummaryColumns, ReportFigures.Rows(run).Select(r => ReportFigures.SummaryCells(r.Scenario, r.Figures, r.Label)));
        return md.ToString();
    }

    /// <summary>The self-check table, after the warning when the generator was the bottleneck somewhere (also printed on the console).</summary>
    public static string SelfCheck(RunResult run)
    {
        var md = new StringBuilder();
        if (ReportFigures.GeneratorWarning(run) is { } warning)
        {
            md.Append("**").Append(warning).AppendLine("**").AppendLine();
        }
        Table(md, ReportFigures.SelfCheckColumns, ReportFigures.SelfCheckRows(run));
        return md.ToString();
    }

    /// <summary>The comparison table alone (also printed on the console); empty without a baseline or floor.</summary>
    public static string Comparison(RunResult run)
    {
        var rows = ReportFigures.Comparison(run);
        var md = new StringBuilder();
        if (rows.Count > 0)
        {
            Table(md, ReportFigures.ComparisonColumns, rows);
        }
        return md.ToString();
    }

    /// <summary>
    /// The runner's HTTP floor beside wrk on the same endpoint, with a note on how to read them; empty without wrk.
    /// </summary>
    public static string Wrk(RunResult run)
    {
        var rows = ReportFigures.WrkRows(run);
        var md = new StringBuilder();
        if (rows.Count > 0)
        {
            Table(md, ReportFigures.WrkColumns, rows);
            md.AppendLine().AppendLine("wrk runs right after the floors, closed loop: its rate is the most this endpoint answers with its connections, "
                + "and its latencies are service times at that rate. The runner's figures are at the target rate, open model.");
        }
        return md.ToString();
    }

    public static void Table(StringBuilder md, IReadOnlyList<string> columns, IEnumerable<string[]> rows)
    {
        md.Append("| ").AppendJoin(" | ", columns).AppendLine(" |");
        md.Append('|').AppendJoin("", columns.Select((_, i) => i == 0 ? "---|" : "---:|")).AppendLine();
        foreach (var row in rows)
        {
            md.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }
    }
}
