using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Runs a customer-engine silo in a host.</summary>
public static class CustomerGrainsHostBuilderExtensions
{
    /// <summary>
    /// Starts a silo in this host: the embedded default (one silo on localhost clustering, SQLite under
    /// <c>Storage:DataDirectory</c>), configured from the host's configuration.
    /// </summary>
    public static IHostApplicationBuilder AddCustomerGrainsSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var silo = SiloOptions.From(builder.Configuration);
        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            // One silo: schedules live in memory and are registered again at every start.
            orleans.UseInMemoryReminderService();
            orleans.AddCustomerGrains(builder.Configuration);
        });
        return builder;
    }
}
