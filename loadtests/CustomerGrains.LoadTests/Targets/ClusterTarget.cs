using CustomerGrains.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.LoadTests.Targets;

/// <summary>A cluster reached through the typed client (<see cref="ICustomerGrainsClient"/>) over the silos' gateways.</summary>
public sealed class ClusterTarget : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterTarget(IHost host, IReadOnlyList<string> gateways)
    {
        this.host = host;
        Gateways = gateways;
        Client = host.Services.GetRequiredService<ICustomerGrainsClient>();
    }

    public ICustomerGrainsClient Client { get; }

    public IReadOnlyList<string> Gateways { get; }

    public static async Task<ClusterTarget> ConnectAsync(IReadOnlyList<string> gateways, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddCustomerGrainsClient(o =>
        {
            foreach (var gateway in gateways)
            {
                o.Gateways.Add(gateway);
            }
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new ClusterTarget(host, gateways);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
