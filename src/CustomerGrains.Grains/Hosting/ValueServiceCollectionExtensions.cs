using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Wiring of scoring in a silo: the live scoring context and the scheduled population measurement.</summary>
internal static class ValueServiceCollectionExtensions
{
    public static IServiceCollection AddScoring(this IServiceCollection services)
    {
        services.AddSingleton<ScoringContext>();
        services.AddHostedService<ScoringContextRefresher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MaintenanceScheduler>();
        return services;
    }
}
