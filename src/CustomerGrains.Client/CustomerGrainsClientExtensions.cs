using CustomerGrains.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace CustomerGrains.Client;

/// <summary>Registration of the CustomerGrains client in a backend service's host.</summary>
public static class CustomerGrainsClientExtensions
{
    /// <summary>
    /// Connects this host to a CustomerGrains cluster through an Orleans client and registers
    /// <see cref="ICustomerGrainsClient"/>. Settings come from the <c>CustomerGrains:Client</c> section,
    /// then <paramref name="configure"/>; invalid settings fail here with every problem listed. With <c>Tls:Enabled</c>
    /// the connections to the gateways use mutual TLS (<see cref="CustomerGrainsClientOptions.Tls"/>).
    /// </summary>
    public static IHostApplicationBuilder AddCustomerGrainsClient(this IHostApplicationBuilder builder, Action<CustomerGrainsClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CustomerGrainsClientOptions();
        builder.Configuration.GetSection(CustomerGrainsClientOptions.Section).Bind(options);
        configure?.Invoke(options);
        var gateways = options.ResolveGateways();
        var tls = options.ResolveTls(gateways, builder.Environment.IsProduction(), out var plaintextWarning);

        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. gateways]);
            client.Services.AddCustomerGrainsSerialization();
            // The change stream (CustomerChangeStream): subscribed to here, read by the silos.
            client.AddPersistentStreams(StreamNames.CustomerChanges, (_, _) => new CustomerChangeQueueAdapter(), _ => { });
            client.Configure<ClusterOptions>(c =>
            {
                c.ClusterId = options.ClusterId;
                c.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = options.ResponseTimeout);
            if (tls is not null)
            {
                client.UseTls(tls.Certificate, tls.ApplyTo);
            }
        });
        builder.Services.AddSingleton<IClientConnectionRetryFilter>(sp => new GatewayConnectRetry(
            options, [.. gateways.Select(g => g.ToString())], tls, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        if (plaintextWarning is not null)
        {
            builder.Services.AddHostedService(sp => new PlaintextWarning(sp.GetRequiredService<ILogger<PlaintextWarning>>(), plaintextWarning));
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ICustomerGrainsClient, CustomerGrainsClient>();
        return builder;
    }
}

/// <summary>Logs at start that the client reaches gateways beyond loopback without TLS.</summary>
internal sealed partial class PlaintextWarning(ILogger<PlaintextWarning> logger, string message) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log(logger, message);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void Log(ILogger logger, string message);
}
