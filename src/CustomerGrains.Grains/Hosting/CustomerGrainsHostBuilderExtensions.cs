using CustomerGrains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Runs a customer-engine silo in a host.</summary>
public static class CustomerGrainsHostBuilderExtensions
{
    /// <summary>
    /// Starts a silo in this host, configured from the host's configuration: the embedded default (one silo
    /// on localhost clustering, SQLite under <c>Storage:DataDirectory</c>) or, with <c>Storage:Mode=Postgres</c>,
    /// a member of a cluster whose membership, log, snapshots and reminders are in PostgreSQL. Its ports get TLS
    /// with <c>Orleans:Tls</c> (<see cref="ClusterTlsSiloBuilderExtensions.UseClusterTls"/>).
    /// </summary>
    public static IHostApplicationBuilder AddCustomerGrainsSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = SiloSettings.From(builder.Configuration);
        // Read while the silo is built, not through IOptions; listed with the other options for the configuration reference.
        foreach (var section in SiloSettings.Sections.Append(new BoundOptions(ClusterTlsOptions.Section, typeof(ClusterTlsOptions))))
        {
            builder.Services.AddSingleton(section);
        }
        builder.UseOrleans(orleans =>
        {
            StorageBackend.From(builder.Configuration).UseClustering(orleans, settings);
            orleans.AddCustomerGrains(builder.Configuration);
            orleans.UseClusterTls(builder.Configuration, builder.Environment.IsProduction());
        });
        return builder;
    }
}
