using CustomerGrains.Domain.Contacts;
using CustomerGrains.Grains.ScreenPop;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Wiring of the screen-pop: phone numbers, the audit trail of the storage backend.</summary>
public static class ScreenPopServiceCollectionExtensions
{
    public static IServiceCollection AddScreenPop(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PhoneOptions>(configuration, PhoneOptions.Section);
        services.AddSingleton(sp => new PhoneNumberNormalizer(sp.GetRequiredService<IOptions<PhoneOptions>>().Value.DefaultRegion));
        services.AddPerBackend<IAuditTrail, SqliteAuditTrail, PostgresAuditTrail>();
        return services;
    }
}
