using System.Diagnostics;
using System.Globalization;
using CustomerGrains.Client;
using CustomerGrains.Testing;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// A private PostgreSQL server, migrated with the host's <c>db migrate</c> command, and N real silo processes
/// of one cluster on loopback, with failure detection tuned so a dead silo is declared within seconds.
/// Disposal stops the silos before the database (a silo whose database is gone cannot leave the cluster).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly List<TempDirectory> directories = [];

    private readonly IReadOnlyDictionary<string, string> extra;

    private PostgresCluster(PrivatePostgres database, IReadOnlyDictionary<string, string>? extra)
    {
        Database = database;
        this.extra = extra ?? new Dictionary<string, string>();
    }

    public PrivatePostgres Database { get; }

    public List<HostProcess> Silos { get; } = [];

    public string ClusterId { get; } = "cluster-test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The settings every silo of this cluster starts with (a test's own settings last).</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(BaseSettings.Concat(extra)
        .GroupBy(s => s.Key).Select(g => g.Last()));

    private Dictionary<string, string> BaseSettings => new()
    {
        ["Storage:Mode"] = "Postgres",
        ["Storage:Postgres:ConnectionString"] = Database.ConnectionString,
        ["Storage:Postgres:MigrateAtStart"] = "false",
        ["Storage:Postgres:AppendTimeout"] = "00:00:05",
        ["Orleans:ClusterId"] = ClusterId,
        ["Orleans:Membership:ProbeTimeout"] = "00:00:02",
        ["Orleans:Membership:NumMissedProbesLimit"] = "3",
        ["Orleans:Membership:DeathVoteExpirationTimeout"] = "00:00:20",
        ["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
        ["Orleans:Membership:TableRefreshTimeout"] = "00:00:02",
        ["InteractionLog:CheckpointInterval"] = "00:00:00.500",
        ["Snapshots:EveryEvents"] = "5",
        ["Snapshots:Interval"] = "00:00:02",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Starts PostgreSQL, migrates it and starts <paramref name="silos"/> silos with the settings, plus <paramref name="settings"/>.</summary>
    public static async Task<PostgresCluster> StartAsync(int silos, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new PostgresCluster(await PrivatePostgres.StartNewAsync(), settings);
        try
        {
            await cluster.MigrateAsync();
            for (var i = 0; i < silos; i++)
            {
                var data = new TempDirectory("silo");
                cluster.directories.Add(data);
                cluster.Silos.Add(new HostProcess(data.Path, cluster.Settings));
            }
            await Task.WhenAll(cluster.Silos.Select(s => s.StartAsync(TimeSpan.FromSeconds(120))));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>CustomerGrains.Host db migrate</c> against the database, as an operator does; returns its output.</summary>
    public async Task<string> MigrateAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     HostProcess.HostAssembly, "db", "migrate", "--Storage:Mode=Postgres",
                     $"--Storage:Postgres:ConnectionString={Database.ConnectionString}",
                 })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"db migrate failed with {process.ExitCode}: {await error}{await output}");
        return await output;
    }

    /// <summary>The gateways of every silo, for the typed client.</summary>
    public IEnumerable<string> Gateways => Silos.Select(s => "127.0.0.1:" + s.GatewayPort.ToString(CultureInfo.InvariantCulture));

    public IEnumerable<HostProcess> Running => Silos.Where(s => s.IsRunning);

    /// <summary>
    /// A started host holding the typed client, connected through every silo's gateway, with <paramref name="configure"/>
    /// applied last; the caller stops and disposes it. A host that fails to start is disposed before the error is thrown.
    /// </summary>
    public async Task<IHost> StartClientAsync(Action<CustomerGrainsClientOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddCustomerGrainsClient(o =>
        {
            foreach (var gateway in Gateways)
            {
                o.Gateways.Add(gateway);
            }
            o.ClusterId = ClusterId;
            configure?.Invoke(o);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            try
            {
                await silo.StopAsync();
            }
            catch (OperationCanceledException)
            {
                // Shutdown took too long: it is killed below.
            }
            await silo.DisposeAsync();
        }
        await Database.DisposeAsync();
        foreach (var directory in directories)
        {
            directory.Dispose();
        }
    }

    /// <summary>Output of every silo and the server's log, for a failure message.</summary>
    public string Diagnostics(int tail = 4000) =>
        string.Join("\n", Silos.Select((s, i) => $"--- silo {i} (http {s.HttpPort}) ---\n{Tail(s.Output, tail)}"))
        + $"\n--- postgres ---\n{Tail(Database.ServerLog, tail)}";

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];
}
