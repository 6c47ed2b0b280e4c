using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Wiring of the rules in a silo: the live rules context, its refresh, and the scheduled maintenance.</summary>
internal static class RulesServiceCollectionExtensions
{
    public static IServiceCollection AddRules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LifecycleOptions>(configuration, "Lifecycle", o => o.Validate());
        services.AddValidatedOptions<NeedOptions>(configuration, "Needs", o => o.Validate());
        services.AddValidatedOptions<MaintenanceOptions>(configuration, MaintenanceOptions.Section);
        services.AddValidatedOptions<RetentionOptions>(configuration, RetentionOptions.Section);
        services.AddSingleton<RetentionPass>();
        services.AddSingleton<RulesContext>();
        services.AddSingleton<RulesHistory>();
        services.AddHostedService<RulesRefresher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MaintenanceScheduler>();
        return services;
    }
}
