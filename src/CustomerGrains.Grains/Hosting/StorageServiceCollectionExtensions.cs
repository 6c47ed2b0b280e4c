using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Segments;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

/// <summary>
/// The engine's storage, usable with or without a silo: the databases of the configured storage mode, the value
/// model store, the customer read model, the policy and alert stores, and the schema migrations. Each store is
/// where the mode keeps everything: the SQLite files of the embedded default, or the cluster's PostgreSQL
/// database. The silo adds these through <c>AddCustomerGrains</c>; one-shot commands (fit) add them alone.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the storage of the mode chosen by <c>Storage:Mode</c>. Throws <see cref="OptionsValidationException"/>
    /// listing every problem of the storage settings.
    /// </summary>
    public static IServiceCollection AddCustomerGrainsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCustomerGrainsStorage(configuration, StorageBackend.From(configuration));
    }

    internal static IServiceCollection AddCustomerGrainsStorage(this IServiceCollection services, IConfiguration configuration, StorageBackend backend)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section);
        services.AddValidatedOptions<InteractionLogOptions>(configuration, InteractionLogOptions.Section);
        services.AddValidatedOptions<ValueOptions>(configuration, ValueOptions.Section);
        services.AddValidatedOptions<ValueModelOptions>(configuration, ValueOptions.Section, o => o.Validate().Select(e => $"{e.Name} {e.Reason}"));
        services.AddValidatedOptions<ContractualOptions>(configuration, "Contractual", o => o.Validate().Select(e => $"{e.Name} {e.Reason}"));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new LogPartitioner(sp.GetRequiredService<IOptions<InteractionLogOptions>>().Value.Partitions));

        services.TryAddSingleton(backend);
        backend.AddDatabases(services);
        services.AddPerBackend<IValueModelStore, SqliteValueModelStore, PostgresValueModelStore>();
        services.AddPerBackend<ICustomerReadModel, SqliteCustomerReadModel, PostgresCustomerReadModel>();
        services.AddPerBackend<IPolicyStore, SqlitePolicyStore, PostgresPolicyStore>();
        services.AddPerBackend<ICustomerAlerts, SqliteCustomerAlerts, PostgresCustomerAlerts>();
        services.AddPerBackend<ISegmentStore, SqliteSegmentStore, PostgresSegmentStore>();
        services.AddSingleton<CustomerSegments>();
        services.AddPerBackend<ICustomerChangeStore, SqliteChangeStore, PostgresChangeStore>();
        services.AddSingleton<CustomerChangeFeed>();
        services.AddSingleton<SchemaMigrations>();
        services.AddSingleton<PopulationMeasurement>();
        return services;
    }
}

/// <summary>Applies the schema scripts of the configured storage mode that were not applied yet. Idempotent.</summary>
public sealed class SchemaMigrations(StorageBackend backend, IServiceProvider services)
{
    /// <summary>Applies every script not applied before; returns the names of the scripts applied by this call.</summary>
    public Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken) => backend.MigrateAsync(services, cancellationToken);

    /// <summary>
    /// What a silo does when it starts: applies the scripts unless the mode's settings leave the schema to the
    /// operator (<c>Storage:Postgres:MigrateAtStart=false</c>, then <c>db migrate</c> applies it).
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAtStartAsync(CancellationToken cancellationToken) =>
        backend.MigratesAtStart ? await ApplyAsync(cancellationToken) : [];
}
