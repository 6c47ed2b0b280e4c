using System.Text.Json;
using CustomerGrains.LoadTests.Cli;
using CustomerGrains.Testing;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>The <c>run</c> command end to end against the stub server: exit codes and the reports it writes.</summary>
public sealed class CommandTests
{
    private static async Task<(int Exit, string Output)> RunAsync(Uri target, string directory, params string[] options)
    {
        using var output = new StringWriter();
        var exit = await RunCommand.RunAsync(new CommandLine(
            ["run", "http-get", "--target", target.ToString(), "--path", "/fast", "--rate", "100", "--ramp", "0", "--duration", "2s",
             "--warm-up", "0", "--out", directory, .. options]), output, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task A_breached_threshold_makes_the_exit_code_non_zero_and_a_held_one_zero()
    {
        await using var server = await StubServer.StartAsync();
        using var breached = new TempDirectory("lt-breach");
        using var held = new TempDirectory("lt-held");

        var (failing, failingOutput) = await RunAsync(server.BaseAddress, breached.Path, "--threshold", "p99 < 0.0001", "--threshold", "fail% < 0.1");
        var (passing, passingOutput) = await RunAsync(server.BaseAddress, held.Path, "--threshold", "fail% < 0.1", "--threshold", "p99 < 60000");

        Assert.Equal(RunCommand.ThresholdBreached, failing);
        Assert.Contains("FAILED", failingOutput, StringComparison.Ordinal);
        Assert.Equal(RunCommand.Passed, passing);
        Assert.Contains("report: ", passingOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_an_error_not_ignored()
    {
        using var directory = new TempDirectory("lt-typo");
        var (exit, output) = await RunAsync(new Uri("http://127.0.0.1:9"), directory.Path, "--durtion", "5s");

        Assert.Equal(RunCommand.Error, exit);
        Assert.Contains("--durtion", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_naming_the_option_before_anything_runs()
    {
        using var directory = new TempDirectory("lt-bad-rate");
        using var writer = new StringWriter();
        var exit = await RunCommand.RunAsync(new CommandLine(
            ["run", "http-get", "--target", "http://127.0.0.1:9", "--rate", "abc", "--ramp", "soon", "--out", directory.Path]), writer, TestContext.Current.CancellationToken);
        var output = writer.ToString();

        Assert.Equal(RunCommand.Error, exit);
        Assert.Contains("--rate must be a number, 0 or more (was 'abc')", output, StringComparison.Ordinal);
        Assert.Contains("--ramp must be a duration", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task A_probe_rate_that_is_not_positive_is_refused_before_anything_runs()
    {
        using var directory = new TempDirectory("lt-bad-probes");
        using var writer = new StringWriter();
        var exit = await RunCommand.RunAsync(new CommandLine(
            ["run", "ingest-burst", "--target", "http://127.0.0.1:9", "--probe-rate", "0", "--out", directory.Path]), writer, TestContext.Current.CancellationToken);
        var output = writer.ToString();

        Assert.Equal(RunCommand.Error, exit);
        Assert.Contains("--probe-rate 0: visibility probes a second must be more than 0.", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    public static TheoryData<string> RunnerCommands => new() { "", "latency", "seed", "run" };

    [Theory]
    [MemberData(nameof(RunnerCommands))]
    public async Task Help_on_a_runner_command_prints_its_usage_and_does_nothing_else(string command)
    {
        using var directory = new TempDirectory("lt-help");
        var data = Path.Combine(directory.Path, "seed");
        var runner = Path.Combine(TestEnvironment.RepositoryRoot, "loadtests", "CustomerGrains.LoadTests", "bin", TestEnvironment.Configuration, "net10.0",
            "CustomerGrains.LoadTests.dll");
        string[] arguments = command switch
        {
            "seed" => ["seed", "--customers", "5", "--data", data, "--target", "http://127.0.0.1:9", "--help"],
            "run" => ["run", "http-get", "--duration", "1s", "--out", data, "--target", "http://127.0.0.1:9", "--help"],
            "" => ["--help"],
            _ => [command, "--target", "http://127.0.0.1:9", "--help"],
        };

        var (exit, output, error) = await HostProcess.RunProgramAsync(runner, arguments);

        Assert.True(exit == 0, $"'{command} --help' exited {exit}: {error}\n{output}");
        Assert.Contains($"CustomerGrains.LoadTests {command}".TrimEnd(), output, StringComparison.Ordinal);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "help wrote seed files or a report");
    }

    [Fact]
    public async Task The_reports_are_well_formed()
    {
        await using var server = await StubServer.StartAsync();
        using var directory = new TempDirectory("lt-report");
        var (exit, _) = await RunAsync(server.BaseAddress, directory.Path, "--threshold", "fail% < 0.1");
        Assert.Equal(0, exit);
        var ct = TestContext.Current.CancellationToken;

        // Markdown: the summary table with its percentiles, the thresholds, the shared-machine warning.
        var markdown = await File.ReadAllTextAsync(Path.Combine(directory.Path, "report.md"), ct);
        Assert.Contains("| scenario | role | model | target/s | achieved/s |", markdown, StringComparison.Ordinal);
        Assert.Contains("| http-get | engine | open | 100.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Thresholds", markdown, StringComparison.Ordinal);
        Assert.Contains("same machine", markdown, StringComparison.Ordinal);

        // HTML: self-contained (no external script or style), charts inline, their data as JSON.
        var html = await File.ReadAllTextAsync(Path.Combine(directory.Path, "report.html"), ct);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.True(html.Split("<svg").Length - 1 >= 3, "latency over time, throughput and the percentile curve are drawn");
        const string open = "<script type=\"application/json\" id=\"report-data\">";
        var start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        using var data = JsonDocument.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)]);
        var scenario = data.RootElement.GetProperty("scenarios")[0];
        Assert.Equal("http-get", scenario.GetProperty("name").GetString());
        Assert.True(scenario.GetProperty("timeline").GetArrayLength() >= 1);
        Assert.True(scenario.GetProperty("percentiles").GetArrayLength() >= 5);

        // CSV: the full percentile spectrum, rising to 100% with values that never fall.
        var rows = (await File.ReadAllLinesAsync(Path.Combine(directory.Path, "percentiles.csv"), ct)).Skip(1)
            .Select(l => l.Split(',')).Where(c => c[1] == "(iteration)" && c[2] == "response").ToList();
        Assert.True(rows.Count >= 10, $"a spectrum, not a few points ({rows.Count} rows)");
        var percentiles = rows.Select(r => double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var values = rows.Select(r => double.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(100, percentiles[^1]);
        Assert.True(percentiles.Contains(99) || percentiles.Any(p => p is > 99 and < 100), "the tail is in it");
        Assert.Equal(values.Order().ToList(), values);
        var summary = await File.ReadAllLinesAsync(Path.Combine(directory.Path, "summary.csv"), ct);
        Assert.StartsWith("scenario,role,model,target/s,achieved/s", summary[0], StringComparison.Ordinal);
    }
}
