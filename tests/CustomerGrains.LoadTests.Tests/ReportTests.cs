using CustomerGrains.LoadTests.Reports;
using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>What a reader of the Markdown report sees: the dispatch lag of every scenario, bytes per response beside the engine's, wrk beside the floor.</summary>
public sealed class ReportTests
{
    private static readonly RunSettings Quiet = new() { WarmUp = TimeSpan.Zero, Progress = null };

    private const string WrkOutput = """
        Running 5s test @ http://127.0.0.1:5191/api/ping
          1 threads and 16 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   393.58us  227.77us   7.21ms   91.28%
            Req/Sec    41.03k     2.15k   44.90k    78.00%
          Latency Distribution
             50%  347.00us
             75%  428.00us
             90%  538.00us
             99%    1.35ms
          204097 requests in 5.00s, 16.93MB read
          Socket errors: connect 0, read 2, write 0, timeout 1
        Requests/sec:  40816.36
        Transfer/sec:      3.39MB
        """;

    private static Scenario Answering(string name, ScenarioRole role, long bytes) =>
        new(name, [new Step("get", _ => ValueTask.FromResult(StepResult.Ok(200, bytes)))],
            [LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))]) { Role = role };

    [Fact]
    public void Wrk_latency_report_is_read_in_milliseconds()
    {
        var wrk = Wrk.Parse(WrkOutput, "wrk -t1 -c16 -d5s --latency http://127.0.0.1:5191/api/ping");

        Assert.Equal(204097, wrk.Requests);
        Assert.Equal(5, wrk.Seconds, precision: 6);
        Assert.Equal(40816.36, wrk.RequestsPerSecond, precision: 6);
        Assert.Equal((0.347, 0.428, 0.538, 1.35, 7.21), (wrk.P50, wrk.P75, wrk.P90, wrk.P99, wrk.Max));
        Assert.Equal(3, wrk.SocketErrors);
        Assert.Throws<FormatException>(() => Wrk.Parse("wrk: command not found", "wrk"));
    }

    [Fact]
    public async Task The_markdown_report_shows_dispatch_lag_bytes_per_response_and_wrk_beside_the_floor()
    {
        var results = await LoadRunner.RunAsync(
            [[Answering("engine", ScenarioRole.Engine, 1000)], [Answering("baseline-postgres", ScenarioRole.Baseline, 250)], [Answering("floor-http", ScenarioRole.Floor, 0)]],
            Quiet, TestContext.Current.CancellationToken);
        var run = new RunResult("test", DateTimeOffset.UtcNow, "test", [], results, [])
        {
            Wrk = Wrk.Parse(WrkOutput, "wrk -t1 -c16 -d5s --latency http://127.0.0.1:5191/api/ping"),
        };

        var markdown = MarkdownReport.Render(run);
        var lines = markdown.Split('\n');

        Assert.Contains("| dispatch lag p50 ms | dispatch lag p99 ms | dispatch lag max ms |", markdown, StringComparison.Ordinal);
        foreach (var name in new[] { "engine", "baseline-postgres", "floor-http" })
        {
            var row = lines.Single(l => l.StartsWith($"| {name} | ", StringComparison.Ordinal) && l.Contains("| open |", StringComparison.Ordinal)).Split('|');
            Assert.All(row[^4..^1], cell => Assert.Matches(@"^ \d+\.\d{3} $", cell));
        }
        // The comparison row: the baseline's bytes per response, the engine's, and their ratio.
        Assert.Contains(lines, l => l.StartsWith("| baseline-postgres | baseline |", StringComparison.Ordinal) && l.EndsWith("| 250 | 1000 | 0.25 |", StringComparison.Ordinal));
        Assert.Contains("## Outside check: wrk on the HTTP floor", markdown, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("| `wrk -t1 -c16", StringComparison.Ordinal) && l.Contains("| closed | 40816.4 | 0.35 | 0.43 | 0.54 | 1.35 | 7.21 | 3 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| runner `floor-http`, from the intended time | open |", StringComparison.Ordinal));
    }
}
