using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Wiring of the rules in a silo: the live rules context, its refresh, and the scheduled maintenance.</summary>
internal static class RulesServiceCollectionExtensions
{
    public static IServiceCollection AddRules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LifecycleOptions>().Bind(configuration.GetSection("Lifecycle")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LifecycleOptions>>(new DomainOptionsValidator<LifecycleOptions>("Lifecycle", o => o.Validate()));
        services.AddOptions<NeedOptions>().Bind(configuration.GetSection("Needs")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NeedOptions>>(new DomainOptionsValidator<NeedOptions>("Needs", o => o.Validate()));
        services.AddValidatedOptions<MaintenanceOptions>(configuration, MaintenanceOptions.Section);
        services.AddSingleton<RulesContext>();
        services.AddSingleton<RulesHistory>();
        services.AddHostedService<RulesRefresher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MaintenanceScheduler>();
        return services;
    }
}
