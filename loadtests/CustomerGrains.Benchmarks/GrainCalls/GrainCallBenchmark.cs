using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using CustomerGrains.Abstractions;
using CustomerGrains.Benchmarks.Samples;
using CustomerGrains.Client;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerGrains.Benchmarks.GrainCalls;

/// <summary>
/// Starts the engine's silo in this process on a scratch SQLite directory, seeds customers through the
/// interaction log, activates them, measures the population, and then times <c>GetDecisionAsync</c> and
/// <c>GetSnapshotAsync</c> beside an empty grain call (the Orleans floor): first through the co-hosted client
/// (as the HTTP API calls grains), then through a separate Orleans client connected to the silo's gateway
/// over TCP (as a backend service calls them).
/// </summary>
internal static class GrainCallBenchmark
{
    private static readonly DecisionQuery PhoneCall = new() { Channel = "phone", Reason = "billing" };

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var settings = GrainCallSettings.Parse(args, out var error);
        if (settings is null)
        {
            await Console.Error.WriteLineAsync(error + Environment.NewLine + GrainCallSettings.Usage);
            return 2;
        }
        var scratch = settings.DataDirectory is null;
        var directory = settings.DataDirectory ?? Path.Combine(Path.GetTempPath(), "customergrains-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await RunAsync(settings, directory);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (scratch && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task RunAsync(GrainCallSettings settings, string directory)
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        const string serviceId = "customergrains-bench";
        Console.WriteLine($"# In-silo grain calls, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
            $"server GC {System.Runtime.GCSettings.IsServerGC}; load average at start {LoadAverage()}");
        Console.WriteLine($"Data: SQLite in {directory}; silo port {siloPort}, gateway {gatewayPort}");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = directory,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            // Activated customers write their snapshot and read-model row within a second, so the population can be measured.
            ["Snapshots:Interval"] = "00:00:01",
            ["ValueModel:RefreshInterval"] = "00:00:00.200",
        });
        // Orleans warns about slow work items and late timers on an overloaded machine; the load average printed says as much.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.AddCustomerGrainsSilo();
        using var silo = builder.Build();
        await silo.StartAsync();
        try
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var customers = await SeedAsync(silo.Services.GetRequiredService<IInteractionLog>(), settings.Customers);
            await WarmAsync(grains, customers);
            await MeasurePopulationAsync(silo.Services, grains, settings.Customers);

            Console.WriteLine();
            Console.WriteLine(CallResult.TableHeader);
            await MeasureAllAsync("co-hosted", grains, [.. customers.Keys], settings);
            if (settings.Gateway)
            {
                using var client = await StartClientAsync(gatewayPort, clusterId, serviceId);
                await MeasureAllAsync("gateway (TCP)", client.Services.GetRequiredService<IClusterClient>(), [.. customers.Keys], settings);
                await client.StopAsync();
            }
            Console.WriteLine();
            Console.WriteLine($"Load average at end {LoadAverage()}; {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gen0/1/2 collections in the process.");
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    /// <summary>Appends every customer's history to the log in batches; returns each customer's number of events.</summary>
    private static async Task<Dictionary<string, int>> SeedAsync(IInteractionLog log, int count)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(MeasuredRules.Seed);
        var customers = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var batch = new List<InteractionEvent>(1_000);
        var errors = new List<FieldError>();
        var validation = new ValidationOptions();
        var events = 0;
        for (var i = 0; i < count; i++)
        {
            var id = $"bench-{i:D6}";
            var history = i % 50 == 0 ? CustomerHistories.Typical(id) : CustomerHistories.Member(id, random);
            foreach (var e in history)
            {
                // The log holds validated events only (the HTTP API validates before it appends).
                if (!InteractionValidator.Validate(e, events, DateTimeOffset.UtcNow, validation, errors))
                {
                    throw new InvalidOperationException($"Generated event {e.EventId} is invalid: {string.Join("; ", errors)}");
                }
                batch.Add(e);
                events++;
            }
            customers[id] = history.Count;
            if (batch.Count >= 900)
            {
                await log.AppendAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await log.AppendAsync(batch, CancellationToken.None);
        }
        Console.WriteLine($"Seeded {count} customers with {events} events through the log in {clock.Elapsed.TotalSeconds:0.0} s " +
            $"({(double)events / count:0.0} events per customer; every 50th has the 'typical' history of the micro-benchmarks).");
        return customers;
    }

    /// <summary>Activates every customer (catching up from the log) and checks each applied all of its events.</summary>
    private static async Task WarmAsync(IGrainFactory grains, Dictionary<string, int> customers)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (customer, _) =>
        {
            var snapshot = await grains.GetGrain<ICustomerGrain>(customer.Key).GetSnapshotAsync();
            if (snapshot?.AppliedEvents != customer.Value)
            {
                throw new InvalidOperationException(
                    $"Customer {customer.Key} applied {snapshot?.AppliedEvents ?? 0} of {customer.Value} events after activation.");
            }
        });
        Console.WriteLine($"Activated {customers.Count} customers in {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>
    /// Measures the population once every customer's read-model row is written, and waits until the silo scores
    /// with it, so tiers and percentiles are real.
    /// </summary>
    private static async Task MeasurePopulationAsync(IServiceProvider services, IGrainFactory grains, int customers)
    {
        var store = services.GetRequiredService<IValueModelStore>();
        var rules = services.GetRequiredService<RulesContext>();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var version = await grains.GetGrain<IMaintenanceGrain>(0).RefreshPopulationAsync();
            var population = await store.LatestPopulationAsync(CancellationToken.None);
            if (version is not null && population?.Statistics.Customers == customers)
            {
                while (rules.Current.Scoring.PopulationVersion != version)
                {
                    await WaitAsync(deadline, $"the silo to score with population {version}");
                }
                Console.WriteLine($"Population {version}: {MeasuredRules.Describe(population.Statistics)}.");
                return;
            }
            await WaitAsync(deadline, $"read-model rows of all {customers} customers (population has {population?.Statistics.Customers ?? 0})");
        }
    }

    private static async Task WaitAsync(Stopwatch deadline, string what)
    {
        if (deadline.Elapsed > TimeSpan.FromMinutes(2))
        {
            throw new TimeoutException("Waited 2 minutes for " + what);
        }
        // Polling a condition the silo reaches on its own timers; this is setup, not measured.
        await Task.Delay(TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Measures the floor, the snapshot and the decision at each concurrency, printing a table row as each finishes.</summary>
    private static async Task MeasureAllAsync(string path, IGrainFactory grains, IReadOnlyList<string> customers, GrainCallSettings settings)
    {
        foreach (var callers in settings.Concurrency)
        {
            await MeasureOneAsync("empty grain call (floor)", callers, async _ =>
            {
                await grains.GetGrain<IPingGrain>(0).PingAsync();
                return true;
            });
            await MeasureOneAsync("GetSnapshotAsync", callers, async id =>
                await grains.GetGrain<ICustomerGrain>(id).GetSnapshotAsync() is { Value: not null, Lifecycle: not null });
            await MeasureOneAsync("GetDecisionAsync", callers, async id =>
                await grains.GetGrain<ICustomerGrain>(id).GetDecisionAsync(PhoneCall) is { PolicyVersion.Length: > 0 });
        }

        async Task MeasureOneAsync(string operation, int callers, Func<string, Task<bool>> call)
        {
            var result = await CallLatency.MeasureAsync(path, operation, customers, callers, settings.Calls, settings.Warmup, call);
            Console.WriteLine(result.TableRow());
        }
    }

    private static async Task<IHost> StartClientAsync(int gatewayPort, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.AddCustomerGrainsClient(o =>
        {
            o.Gateways.Add($"127.0.0.1:{gatewayPort}");
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        var client = builder.Build();
        await client.StartAsync();
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
