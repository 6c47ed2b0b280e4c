using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

public sealed class CommandLineTests
{
    public static TheoryData<string> Commands => new() { "", "fit", "db migrate", "hash-password", "new-key", "endpoints", "new-cluster-cert", "openapi", "import", "fit-contractual" };

    private static void AssertNoStackTrace(string error) =>
        Assert.False(error.Contains("   at ", StringComparison.Ordinal) || error.Contains("Exception", StringComparison.Ordinal), $"a stack trace was printed:\n{error}");

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_on_a_command_prints_its_usage_and_does_nothing_else(string command)
    {
        using var data = new TempDirectory("help");
        var outFile = Path.Combine(data.Path, "out.json");
        string[] arguments = [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help", $"--Storage:DataDirectory={data.Path}"];

        var (exit, output, error) = await HostProcess.RunCommandAsync(arguments);

        Assert.True(exit == 0, $"'{command} --help' exited {exit}: {error}\n{output}");
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains($"CustomerGrains.Host {command}".TrimEnd(), output, StringComparison.Ordinal);
        // Nothing ran: no database was created or migrated, no key, certificate or document was made.
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
        Assert.DoesNotContain("Give the key", output, StringComparison.Ordinal);
        Assert.DoesNotContain("applied", output, StringComparison.Ordinal);
        Assert.False(File.Exists(outFile));
    }

    [Fact]
    public async Task Help_with_the_options_of_a_command_that_writes_files_writes_none()
    {
        using var data = new TempDirectory("help-out");

        var cert = await HostProcess.RunCommandAsync("new-cluster-cert", "--out", data.Path, "--help");
        var openApi = await HostProcess.RunCommandAsync("openapi", "--out", Path.Combine(data.Path, "openapi.json"), "--help");

        Assert.Equal(0, cert.ExitCode);
        Assert.Equal(0, openApi.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_naming_the_option_without_a_stack_trace()
    {
        using var data = new TempDirectory("bad-option");
        var file = Path.Combine(data.Path, "events.jsonl");
        await File.WriteAllTextAsync(file, "", TestContext.Current.CancellationToken);

        var rate = await HostProcess.RunCommandAsync("import", file, "--rate", "abc");
        var days = await HostProcess.RunCommandAsync("new-cluster-cert", "--out", data.Path, "--days", "many");

        Assert.Equal(2, rate.ExitCode);
        Assert.Contains("--rate must be a number", rate.Error, StringComparison.Ordinal);
        Assert.Contains("'abc'", rate.Error, StringComparison.Ordinal);
        AssertNoStackTrace(rate.Error);
        Assert.Equal(2, days.ExitCode);
        Assert.Contains("--days must be a number from 1 to 3650", days.Error, StringComparison.Ordinal);
        AssertNoStackTrace(days.Error);
        Assert.Equal([file], Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact]
    public async Task An_engine_setting_given_to_the_import_is_refused_rather_than_ignored()
    {
        using var data = new TempDirectory("import-setting");
        var file = Path.Combine(data.Path, "events.jsonl");
        await File.WriteAllTextAsync(file, "", TestContext.Current.CancellationToken);

        var (exit, _, error) = await HostProcess.RunCommandAsync("import", file, "--Money:Rates:GBP:2010-01-01=1.17");

        Assert.Equal(2, exit);
        Assert.Contains("--Money:Rates:GBP:2010-01-01=1.17: settings belong to the engine", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_or_command_is_refused_and_nothing_runs()
    {
        using var data = new TempDirectory("unknown-option");

        var option = await HostProcess.RunCommandAsync("fit", "--summry-csv", "x.csv", $"--Storage:DataDirectory={data.Path}");
        var command = await HostProcess.RunCommandAsync("fitt");

        Assert.Equal(2, option.ExitCode);
        Assert.Contains("--summry-csv", option.Error, StringComparison.Ordinal);
        Assert.Contains("fit --help", option.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
        Assert.Equal(2, command.ExitCode);
        Assert.Contains("'fitt'", command.Error, StringComparison.Ordinal);
    }
}
