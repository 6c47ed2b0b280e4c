using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Customers;
using CustomerGrains.Grains.Delivery;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Wires the customer engine into a silo.</summary>
public static class CustomerGrainsSiloBuilderExtensions
{
    /// <summary>The grain storage that keeps customer snapshots.</summary>
    public const string CustomerStorage = "customers";

    private const string CustomerStorageSql = "customers-sql";

    /// <summary>
    /// Adds the customer grains, the interaction log and snapshot storage of the configured storage mode
    /// (<c>Storage:Mode</c>: the embedded SQLite default, or PostgreSQL) and the partition readers that deliver
    /// the log to the customers, with options bound from <paramref name="configuration"/> and validated at start. Calling it twice has no further effect.
    /// </summary>
    public static ISiloBuilder AddCustomerGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = silo.Services;
        if (services.Any(s => s.ServiceType == typeof(CustomerGrainsMarker)))
        {
            return silo;
        }
        services.AddSingleton<CustomerGrainsMarker>();

        var backend = StorageBackend.From(configuration);
        services.AddCustomerGrainsStorage(configuration, backend);
        services.AddValidatedOptions<SnapshotOptions>(configuration, SnapshotOptions.Section);
        services.AddValidatedOptions<CardOptions>(configuration, CardOptions.Section);
        backend.AddStorage(silo, CustomerStorageSql);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigrator>();
        services.AddRules(configuration);
        services.AddScreenPop(configuration);
        services.AddCustomerGrainsSerialization();
        services.AddKeyedSingleton<IGrainStorage>(CustomerStorage, (sp, _) =>
        {
            var file = backend.GrainStorageFile(sp);
            var writer = file is null ? null : new SqliteGrainStateWriter(file,
                sp.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId, new JsonGrainStateSerializer());
            return new StringKeyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(CustomerStorageSql), file, writer);
        });

        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DeliveryKeeper>();
        AddChangeStream(silo, backend);
        // Idle customers are deactivated after Orleans' collection age (15 minutes unless Orleans:Collection says
        // otherwise) and come back from their snapshot when next asked; when the process nears its memory limit the
        // least recently used go first, instead of the silo running out of memory.
        services.AddOptions<Orleans.Configuration.GrainCollectionOptions>()
            .Configure(o => o.EnableActivationSheddingOnMemoryPressure = true)
            .Bind(configuration.GetSection("Orleans:Collection"));
        return silo;
    }

    /// <summary>
    /// The change feed as an Orleans stream (<see cref="CustomerChangeStream"/>): a persistent stream provider whose one
    /// queue is the changes table, polled by its pulling agent as often as a waiting HTTP read polls; subscriptions are
    /// kept in the backend's database (Orleans' pub-sub store), so they outlive a silo restart.
    /// </summary>
    private static void AddChangeStream(ISiloBuilder silo, StorageBackend backend)
    {
        silo.AddPersistentStreams(StreamNames.CustomerChanges,
            (sp, _) => ActivatorUtilities.CreateInstance<TableChangeQueue>(sp),
            stream => stream.ConfigurePullingAgent(o => o.Configure(a => a.GetQueueMsgsTimerPeriod = CustomerChangeFeed.PollInterval)));
        backend.AddGrainStorage(silo, Orleans.Providers.ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME,
            sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>()));
    }

    private sealed class CustomerGrainsMarker;
}

/// <summary>
/// The SQLite files of the embedded default: the interaction log with the value model, policy and audit stores
/// (<c>interactions.db</c>), the grain snapshots (<c>grains.db</c>), and the read model with the saved segments, alerts
/// and change feed (<c>readmodel.db</c>). Each file has its own writer thread. Not registered in cluster mode.
/// </summary>
public sealed record EmbeddedDatabases(SqliteDatabase Log, SqliteDatabase Grains, SqliteDatabase ReadModel)
{
    public static EmbeddedDatabases In(string directory) => new(
        new SqliteDatabase(Path.Combine(directory, "interactions.db"), "log"),
        new SqliteDatabase(Path.Combine(directory, "grains.db"), "grains"),
        new SqliteDatabase(Path.Combine(directory, "readmodel.db"), "read"));

    /// <summary>
    /// Creates the files if needed, applies every schema script not applied before, and moves the read model's tables
    /// from interactions.db, where the log's scripts make them, into readmodel.db (<see cref="ReadModelFile"/>), with
    /// the rows an older version left there. Returns what it did: the scripts applied, and the move. Safe to run at
    /// every start; the move happens once.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        List<string> applied = [.. await Log.MigrateAsync(cancellationToken), .. await Grains.MigrateAsync(cancellationToken)];
        if (await ReadModelFile.MoveAsync(Log, ReadModel, cancellationToken) is { } rows)
        {
            applied.Add($"the read model moved from interactions.db to readmodel.db ({rows} rows)");
        }
        // Scripts of readmodel.db (read-NNN) change the tables the move made.
        applied.AddRange(await ReadModel.MigrateAsync(cancellationToken));
        return applied;
    }
}

/// <summary>
/// Applies the schema scripts of the storage mode before membership, any storage provider or stream agent starts
/// (in cluster mode unless <c>Storage:Postgres:MigrateAtStart=false</c>).
/// </summary>
internal sealed class SchemaMigrator(SchemaMigrations migrations) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigrator), ServiceLifecycleStage.RuntimeInitialize - 1, async ct =>
            await migrations.ApplyAtStartAsync(ct));
}
