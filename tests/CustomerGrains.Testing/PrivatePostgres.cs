using System.Diagnostics;
using System.Globalization;

namespace CustomerGrains.Testing;

/// <summary>
/// A private PostgreSQL server from the installed binaries, on a free loopback port in a scratch directory,
/// removed on dispose. PostgreSQL refuses to run as root, so under root it runs as the system user
/// <c>postgres</c> (created by the server package). It can be stopped and started again to test outages.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string DefaultBinaries = "/usr/lib/postgresql/15/bin";
    private const string ServiceUser = "postgres";

    private readonly string bin;
    private readonly string root;
    private readonly bool asServiceUser;

    private PrivatePostgres(string bin, string root, int port, bool asServiceUser)
    {
        this.bin = bin;
        this.root = root;
        Port = port;
        this.asServiceUser = asServiceUser;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(root, "data");

    /// <summary>A connection string for the superuser to the <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    /// <summary>Whether the binaries are installed here.</summary>
    public static bool IsInstalled(string? binaries = null) => File.Exists(Path.Combine(binaries ?? Binaries, "initdb"));

    private static string Binaries => Environment.GetEnvironmentVariable("CUSTOMERGRAINS_PG_BIN") ?? DefaultBinaries;

    /// <summary>
    /// Initialises and starts a new server; throws with the server's own output if it cannot. When the binaries
    /// are missing the calling test is skipped saying what to install (under CI it fails instead).
    /// </summary>
    public static async Task<PrivatePostgres> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var bin = Binaries;
        if (!IsInstalled(bin))
        {
            var message = $"PostgreSQL 15 is not installed at {bin}: install the Debian package postgresql-15 " +
                          "(apt-get install -y postgresql-15; .ci/run does it), or set CUSTOMERGRAINS_PG_BIN to its bin folder.";
            if (TestEnvironment.IsCi)
            {
                Assert.Fail(message);
            }
            Assert.Skip(message);
        }
        var asServiceUser = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), $"customergrains-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var server = new PrivatePostgres(bin, root, TestEnvironment.FreePort(), asServiceUser);
        try
        {
            if (asServiceUser)
            {
                await RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", root], asUser: null, cancellationToken);
            }
            await server.RunToolAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], cancellationToken);
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the (stopped) server and waits until it accepts connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        RunToolAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", Path.Combine(root, "server.log"),
            "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=64MB"],
            cancellationToken);

    /// <summary>Stops the server at once (fast shutdown: clients are disconnected).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        RunToolAsync("pg_ctl", ["stop", "-w", "-t", "60", "-m", "fast", "-D", DataDirectory], cancellationToken);

    /// <summary>What the server wrote to its log, for failure messages.</summary>
    public string ServerLog => File.Exists(Path.Combine(root, "server.log")) ? File.ReadAllText(Path.Combine(root, "server.log")) : "";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await RunToolAsync("pg_ctl", ["stop", "-w", "-t", "60", "-m", "immediate", "-D", DataDirectory], CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Leave the rest to the temp cleaner rather than fail a test on tear-down.
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(bin, tool), arguments, asServiceUser ? ServiceUser : null, cancellationToken);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string? asUser, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(asUser is null ? file : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asUser is not null)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(asUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(file);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
