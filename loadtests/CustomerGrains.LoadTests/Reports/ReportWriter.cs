using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Reports;

/// <summary>Writes a run's reports into one directory: report.md, report.html, summary.csv, percentiles.csv, timeline.csv.</summary>
public static class ReportWriter
{
    public static async Task<string> WriteAsync(RunResult run, string directory, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), MarkdownReport.Render(run), cancellation);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.html"), HtmlReport.Render(run), cancellation);
        await File.WriteAllTextAsync(Path.Combine(directory, "summary.csv"), CsvReport.Summary(run), cancellation);
        await File.WriteAllTextAsync(Path.Combine(directory, "percentiles.csv"), CsvReport.Percentiles(run), cancellation);
        await File.WriteAllTextAsync(Path.Combine(directory, "timeline.csv"), CsvReport.Timeline(run), cancellation);
        return Path.Combine(directory, "report.md");
    }

    /// <summary>The summary table and the comparison with the baseline and the floors as Markdown, for the console.</summary>
    public static string ConsoleSummary(RunResult run) =>
        MarkdownReport.Summary(run)
        + Environment.NewLine + MarkdownReport.SelfCheck(run)
        + (MarkdownReport.Comparison(run) is { Length: > 0 } comparison ? Environment.NewLine + comparison : "")
        + (MarkdownReport.Wrk(run) is { Length: > 0 } wrk ? Environment.NewLine + wrk : "");
}
