using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>An in-process silo with the real SQLite log, stream provider and snapshot storage on a scratch directory.</summary>
public sealed class EngineCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster cluster;

    private EngineCluster(string dataDirectory, IReadOnlyDictionary<string, string?> settings, TimeProvider? time)
    {
        DataDirectory = dataDirectory;
        var values = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["InteractionLog:PollInterval"] = "00:00:00.020",
            ["InteractionLog:CheckpointInterval"] = "00:00:00",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            if (time is not null)
            {
                // Registered before the engine, whose own registration of the system clock then steps aside.
                silo.Services.AddSingleton(time);
            }
            silo.UseInMemoryReminderService().AddCustomerGrains(configuration);
        });
        builder.ConfigureClient(client => client.Services.AddCustomerGrainsSerialization());
        cluster = builder.Build();
    }

    public string DataDirectory { get; }

    public IClusterClient Client => cluster.Client;

    public IInteractionLog Log => cluster.GetSiloServiceProvider().GetRequiredService<IInteractionLog>();

    /// <summary>The silo's services (the rules context, the stores), for what a test does beside the grain calls.</summary>
    public IServiceProvider SiloServices => cluster.GetSiloServiceProvider();

    public Task DeactivateAsync(IAddressable grain) => cluster.DeactivateAsync(grain);

    /// <summary>Starts the engine; with <paramref name="time"/> the silo's clock is that one (e.g. a fake clock a test advances).</summary>
    public static async Task<EngineCluster> StartAsync(
        string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var engine = new EngineCluster(dataDirectory, settings ?? new Dictionary<string, string?>(), time);
        await engine.cluster.DeployAsync();
        return engine;
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.StopSilosAsync();
        await cluster.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>One engine shared by a test collection; tests use their own customer ids.</summary>
public sealed class SharedEngine : IAsyncLifetime
{
    private readonly TempDirectory data = new("engine");

    public EngineCluster Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Engine = await EngineCluster.StartAsync(data.Path);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<SharedEngine>
{
    public const string Name = "one in-process engine";
}
