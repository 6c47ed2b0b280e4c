using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

/// <summary>
/// The engine's storage, usable with or without a silo: the interaction log, the value model store and the
/// customer read model, with their schema migrations. The silo adds these through <c>AddCustomerGrains</c>;
/// one-shot commands (fit, migrate) add them alone.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddCustomerGrainsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section);
        services.AddValidatedOptions<InteractionLogOptions>(configuration, InteractionLogOptions.Section);
        services.AddValidatedOptions<ValueOptions>(configuration, ValueOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new LogPartitioner(sp.GetRequiredService<IOptions<InteractionLogOptions>>().Value.Partitions));

        services.AddSingleton(sp => EmbeddedDatabases.In(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory));
        services.AddSingleton<IValueModelStore>(sp => new SqliteValueModelStore(sp.GetRequiredService<EmbeddedDatabases>().Log));
        services.AddSingleton<ICustomerReadModel>(sp => new SqliteCustomerReadModel(sp.GetRequiredService<EmbeddedDatabases>().Log));
        services.AddSingleton<IPolicyStore>(sp => new SqlitePolicyStore(sp.GetRequiredService<EmbeddedDatabases>().Log));
        services.AddSingleton<ICustomerAlerts>(sp => new SqliteCustomerAlerts(sp.GetRequiredService<EmbeddedDatabases>().Log));
        services.AddSingleton<SchemaMigrations>();
        services.AddSingleton<PopulationMeasurement>();
        return services;
    }
}

/// <summary>Applies every schema script not applied yet, for all of the engine's databases. Idempotent.</summary>
public sealed class SchemaMigrations(EmbeddedDatabases databases)
{
    /// <summary>Returns the names of the scripts applied by this call.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken)
    {
        var applied = new List<string>();
        applied.AddRange(await databases.Log.MigrateAsync(cancellationToken));
        applied.AddRange(await databases.Grains.MigrateAsync(cancellationToken));
        return applied;
    }
}
