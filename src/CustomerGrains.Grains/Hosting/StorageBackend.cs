using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace CustomerGrains.Grains.Hosting;

/// <summary>
/// Everything that differs between the storage modes: where the interaction log, the grain snapshots and
/// the reminders live, which database a store opens, how the schema is applied and how silos find each
/// other. A store with one implementation per backend is registered once with
/// <see cref="StorageBackendServiceCollectionExtensions.AddPerBackend{TService, TSqlite, TPostgres}"/>;
/// its implementations take <see cref="EmbeddedDatabases"/> or <see cref="PostgresDatabase"/> by constructor.
/// </summary>
public abstract class StorageBackend
{
    private protected StorageBackend()
    {
    }

    public abstract StorageMode Mode { get; }

    /// <summary>Where the data is, without secrets, for messages.</summary>
    public abstract string Describe { get; }

    /// <summary>The backend chosen by <c>Storage:Mode</c> (default Sqlite); throws listing every problem of its settings.</summary>
    public static StorageBackend From(IConfiguration configuration)
    {
        var settings = SiloSettings.From(configuration);
        return settings.Mode switch
        {
            StorageMode.Postgres => new PostgresBackend(settings.Postgres),
            _ => new SqliteBackend(configuration),
        };
    }

    /// <summary>Applies every schema script not applied before (idempotent); returns the scripts applied now.</summary>
    public abstract Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Whether a silo (or a command that writes) applies the schema when it starts.</summary>
    internal abstract bool MigratesAtStart { get; }

    /// <summary>
    /// Registers the databases of this backend, and only those: <see cref="EmbeddedDatabases"/> for SQLite,
    /// <see cref="PostgresDatabase"/> for PostgreSQL (so no SQLite file is ever opened in cluster mode).
    /// </summary>
    internal abstract void AddDatabases(IServiceCollection services);

    /// <summary>Applies every schema script not applied before to the databases registered by <see cref="AddDatabases"/>.</summary>
    internal abstract Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>
    /// A new interaction log over the databases <see cref="AddDatabases"/> registered in <paramref name="services"/>, for a
    /// command that reads the log without a silo (<c>fit --calibration-end</c>); the caller disposes it.
    /// </summary>
    public abstract IInteractionLog CreateLog(IServiceProvider services);

    /// <summary>Registers the interaction log, the snapshot storage named <paramref name="grainStorage"/> and the reminders.</summary>
    internal abstract void AddStorage(ISiloBuilder silo, string grainStorage);

    /// <summary>Registers the ADO.NET grain storage <paramref name="name"/> in this backend's database, its states written by <paramref name="serializer"/>.</summary>
    internal abstract void AddGrainStorage(ISiloBuilder silo, string name, Func<IServiceProvider, IGrainStorageSerializer> serializer);

    /// <summary>How this silo finds the others: localhost for the embedded default, the membership table in PostgreSQL for a cluster.</summary>
    internal abstract void UseClustering(ISiloBuilder silo, SiloSettings settings);

    /// <summary>
    /// After an erasure: drops what the storage still keeps of replaced content outside its tables. The embedded default
    /// checkpoints and empties the write-ahead logs of its files (deleted content in the files themselves is zeroed as it is
    /// deleted); PostgreSQL needs nothing here (old row versions cannot be read through SQL and are reclaimed by vacuum).
    /// </summary>
    public virtual Task DropReplacedContentAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The file grain snapshots are written to when its writes must take turns and stay off the scheduler (SQLite); otherwise null.</summary>
    internal virtual SqliteDatabase? GrainStorageFile(IServiceProvider services) => null;
}

/// <summary>The embedded default: SQLite files, one silo on localhost clustering, reminders in memory.</summary>
internal sealed class SqliteBackend(IConfiguration configuration) : StorageBackend
{
    private string DataDirectory => configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.DataDirectory ?? new StorageOptions().DataDirectory;

    public override StorageMode Mode => StorageMode.Sqlite;

    public override string Describe => $"SQLite files in {Path.GetFullPath(DataDirectory)}";

    public override Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken) =>
        EmbeddedDatabases.In(DataDirectory).MigrateAsync(cancellationToken);

    internal override bool MigratesAtStart => true;

    internal override void AddDatabases(IServiceCollection services) =>
        services.TryAddSingleton(sp => EmbeddedDatabases.In(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory));

    internal override Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<EmbeddedDatabases>().MigrateAsync(cancellationToken);

    internal override SqliteDatabase? GrainStorageFile(IServiceProvider services) => services.GetRequiredService<EmbeddedDatabases>().Grains;

    public override async Task DropReplacedContentAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var databases = services.GetRequiredService<EmbeddedDatabases>();
        await databases.Log.TruncateWriteAheadLogAsync(cancellationToken);
        await databases.Grains.TruncateWriteAheadLogAsync(cancellationToken);
        await databases.ReadModel.TruncateWriteAheadLogAsync(cancellationToken);
    }

    public override IInteractionLog CreateLog(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<SqliteInteractionLog>(services, services.GetRequiredService<EmbeddedDatabases>().Log);

    internal override void AddStorage(ISiloBuilder silo, string grainStorage)
    {
        var services = silo.Services;
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SqliteReaderThreads>();
        services.AddSingleton(sp => (SqliteInteractionLog)CreateLog(sp));
        services.AddSingleton<IInteractionLog>(sp => sp.GetRequiredService<SqliteInteractionLog>());
        AddGrainStorage(silo, grainStorage, _ => new JsonGrainStateSerializer());
    }

    internal override void AddGrainStorage(ISiloBuilder silo, string name, Func<IServiceProvider, IGrainStorageSerializer> serializer) =>
        silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<EmbeddedDatabases, IServiceProvider>((o, databases, services) =>
            {
                // The provider's invariant name for SQLite; it loads Microsoft.Data.Sqlite for it.
                o.Invariant = "System.Data.SQLite";
                o.ConnectionString = databases.Grains.ConnectionString;
                o.GrainStorageSerializer = serializer(services);
            }));

    internal override void UseClustering(ISiloBuilder silo, SiloSettings settings)
    {
        silo.UseLocalhostClustering(settings.Silo.SiloPort, settings.Silo.GatewayPort, serviceId: settings.Silo.ServiceId, clusterId: settings.Silo.ClusterId);
        // One silo: schedules live in memory and are registered again at every start.
        silo.UseInMemoryReminderService();
    }
}

/// <summary>
/// Cluster mode: one PostgreSQL database for everything (the log, membership, snapshots, reminders, the value
/// model, read model, policy and alert stores); the silo keeps no file of its own.
/// </summary>
internal sealed class PostgresBackend(PostgresOptions options) : StorageBackend
{
    private const string Invariant = "Npgsql";
    private readonly string connectionString = options.EffectiveConnectionString();

    public override StorageMode Mode => StorageMode.Postgres;

    public override string Describe => $"PostgreSQL at {PostgresDatabase.DescribeConnection(connectionString)}";

    public override async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var database = new PostgresDatabase(connectionString);
        return await database.MigrateAsync(cancellationToken);
    }

    internal override bool MigratesAtStart => options.MigrateAtStart;

    internal override void AddDatabases(IServiceCollection services)
    {
        services.TryAddSingleton(Options.Create(options));
        services.TryAddSingleton(_ => new PostgresDatabase(connectionString));
    }

    internal override Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<PostgresDatabase>().MigrateAsync(cancellationToken);

    public override IInteractionLog CreateLog(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresInteractionLog>(services);

    internal override void AddStorage(ISiloBuilder silo, string grainStorage)
    {
        var services = silo.Services;
        services.AddSingleton<PostgresInteractionLog>();
        services.AddSingleton<IInteractionLog>(sp => sp.GetRequiredService<PostgresInteractionLog>());
        AddGrainStorage(silo, grainStorage, _ => new JsonGrainStateSerializer());
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
    }

    internal override void AddGrainStorage(ISiloBuilder silo, string name, Func<IServiceProvider, IGrainStorageSerializer> serializer) =>
        silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<IServiceProvider>((o, services) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
                o.GrainStorageSerializer = serializer(services);
            }));

    internal override void UseClustering(ISiloBuilder silo, SiloSettings settings)
    {
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.Silo.ClusterId;
            o.ServiceId = settings.Silo.ServiceId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = settings.AdvertisedAddress;
            o.SiloPort = settings.Silo.SiloPort;
            o.GatewayPort = settings.Silo.GatewayPort;
        });
        silo.Configure<ClusterMembershipOptions>(settings.Membership.ApplyTo);
    }
}

/// <summary>Registration of stores that have one implementation per storage backend.</summary>
public static class StorageBackendServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TService"/> as a singleton implemented by <typeparamref name="TSqlite"/> or
    /// <typeparamref name="TPostgres"/>, whichever matches the silo's <see cref="StorageBackend"/>. Their schema
    /// scripts go to deploy/sql/sqlite and deploy/sql/postgres and are applied with the rest.
    /// </summary>
    public static IServiceCollection AddPerBackend<TService, TSqlite, TPostgres>(this IServiceCollection services)
        where TService : class
        where TSqlite : class, TService
        where TPostgres : class, TService =>
        services.AddSingleton<TService>(sp => sp.GetRequiredService<StorageBackend>().Mode switch
        {
            StorageMode.Postgres => ActivatorUtilities.CreateInstance<TPostgres>(sp),
            _ => ActivatorUtilities.CreateInstance<TSqlite>(sp),
        });
}

/// <summary>Sizes the SQLite reader threads (<see cref="StorageOptions.ReaderThreads"/>) once the embedded silo starts.</summary>
internal sealed class SqliteReaderThreads(IOptions<StorageOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteReaderThreads), ServiceLifecycleStage.First, _ =>
        {
            SqliteDatabase.Readers.MaxThreads = options.Value.ReaderThreads;
            return Task.CompletedTask;
        });
}
