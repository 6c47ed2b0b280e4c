using CustomerGrains.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace CustomerGrains.Client;

/// <summary>Registration of the CustomerGrains client in a backend service's host.</summary>
public static class CustomerGrainsClientExtensions
{
    /// <summary>
    /// Connects this host to a CustomerGrains cluster through an Orleans client and registers
    /// <see cref="ICustomerGrainsClient"/>. Settings come from the <c>CustomerGrains:Client</c> section,
    /// then <paramref name="configure"/>; invalid settings fail here with every problem listed.
    /// </summary>
    public static IHostApplicationBuilder AddCustomerGrainsClient(this IHostApplicationBuilder builder, Action<CustomerGrainsClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CustomerGrainsClientOptions();
        builder.Configuration.GetSection(CustomerGrainsClientOptions.Section).Bind(options);
        configure?.Invoke(options);
        var gateways = options.ResolveGateways();

        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. gateways]);
            client.Services.AddCustomerGrainsSerialization();
            client.Configure<ClusterOptions>(c =>
            {
                c.ClusterId = options.ClusterId;
                c.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = options.ResponseTimeout);
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ICustomerGrainsClient, CustomerGrainsClient>();
        return builder;
    }
}
