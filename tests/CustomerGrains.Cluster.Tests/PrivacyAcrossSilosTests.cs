using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary>Two silos on one PostgreSQL database, for the data-rights tests.</summary>
public sealed class PrivacyCluster : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await PostgresCluster.StartAsync(silos: 2);

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>A customer's data rights over real HTTP on a cluster on PostgreSQL: exported and erased through either silo.</summary>
public sealed class PrivacyAcrossSilosTests(PrivacyCluster fixture) : IClassFixture<PrivacyCluster>
{
    private PostgresCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_export_through_either_silo_holds_everything_about_the_customer()
    {
        var customer = new PrivacyScenario("pg-export");
        using var first = new ApiClient(Cluster.Silos[0].BaseAddress);
        using var second = new ApiClient(Cluster.Silos[1].BaseAddress);
        await customer.SeedAsync(first);

        foreach (var api in new[] { first, second })
        {
            var (status, export) = await customer.ExportAsync(api);
            Assert.True(status == HttpStatusCode.OK, export.ToString());
            customer.AssertComplete(export);
        }
        var (_, last) = await customer.ExportAsync(first, DemoKeys.Service);
        Assert.Equal(2, last.GetProperty("audit").EnumerateArray().Count(a => a.GetProperty("path").GetString() == "export"));
    }
}
