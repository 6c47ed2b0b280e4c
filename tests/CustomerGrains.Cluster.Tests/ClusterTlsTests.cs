using System.Net;
using CustomerGrains.Client;
using CustomerGrains.Testing;
using Orleans.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// Two silos on PostgreSQL with mutual TLS on their ports (<c>Orleans:Tls</c>), sharing one certificate made in the
/// test, as <c>new-cluster-cert</c> makes one: the silos reach each other and a client with the certificate reaches
/// them, while a client without TLS or with another certificate is turned away.
/// </summary>
public sealed class TlsCluster : IAsyncLifetime
{
    public const string Password = "tls-cluster-test";
    private readonly TempDirectory certificates = new("tls-cluster");

    public PostgresCluster Cluster { get; private set; } = null!;

    public string CertificatePath { get; private set; } = null!;

    /// <summary>A folder for further certificate files of a test.</summary>
    public string Directory => certificates.Path;

    public async ValueTask InitializeAsync()
    {
        using var certificate = TestCertificates.SelfSigned("customergrains-test-cluster");
        CertificatePath = TestCertificates.WritePfx(certificate, certificates.Path, "cluster.pfx", Password);
        Cluster = await PostgresCluster.StartAsync(silos: 2, new Dictionary<string, string>
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = CertificatePath,
            ["Orleans:Tls:CertificatePassword"] = Password,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
        certificates.Dispose();
    }
}

public sealed class ClusterTlsTests(TlsCluster tls) : IClassFixture<TlsCluster>
{
    // A refused client tries again for ConnectTimeout, then fails; the bound, far above it, turns a hang into a failure.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RefusalBound = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresCluster Cluster => tls.Cluster;

    [Fact]
    public async Task Customers_written_through_one_tls_silo_are_read_through_the_other_and_through_a_tls_client()
    {
        var ids = Enumerable.Range(0, 12).Select(i => $"tls-{i}").ToArray();
        var day = DateTimeOffset.UtcNow.AddDays(-3);
        using (var writer = new ApiClient(Cluster.Silos[0].BaseAddress))
        {
            var (status, body) = await writer.PostEventsAsync(EventJson.Batch([.. ids.Select((id, i) => EventJson.Purchase($"{id}-p", id, day, 10m + i))]));
            Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        }
        using (var reader = new ApiClient(Cluster.Silos[1].BaseAddress))
        {
            foreach (var id in ids)
            {
                await reader.WaitForAppliedEventsAsync(id, 1, TimeSpan.FromSeconds(60));
            }
        }

        var client = await Cluster.StartClientAsync(o =>
        {
            o.Tls.Enabled = true;
            o.Tls.CertificatePath = tls.CertificatePath;
            o.Tls.CertificatePassword = TlsCluster.Password;
        });
        try
        {
            var customers = client.Services.GetRequiredService<ICustomerGrainsClient>();
            for (var i = 0; i < ids.Length; i++)
            {
                var snapshot = await customers.GetCustomerAsync(ids[i], cancellationToken: Ct);
                Assert.Equal(10m + i, snapshot!.Purchases.NetSpend);
            }

            // Both silos are members (each probes the other over the TLS silo port), and the customers' grains live on
            // both, so the reads through silo 1 and the client's gateway reached grains on the other silo over TLS.
            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true, Ct);
            Assert.Equal(2, hosts.Count);
            var statistics = await management.GetSimpleGrainStatistics(Ct);
            var customerSilos = statistics.Where(s => s.GrainType.Contains("CustomerGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
                .Select(s => s.SiloAddress).Distinct().Count();
            Assert.True(customerSilos == 2, $"customer grains active on {customerSilos} silo(s): {string.Join(", ", statistics.Select(s => $"{s.SiloAddress} {s.GrainType} {s.ActivationCount}"))}");
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_client_without_tls_is_turned_away_by_the_tls_cluster()
    {
        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            Cluster.StartClientAsync(o => o.ConnectTimeout = ConnectTimeout).WaitAsync(RefusalBound, Ct));

        Assert.StartsWith("Could not connect to the cluster through its gateways (127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("This client does not use TLS: if the silos do (Orleans:Tls:Enabled), set CustomerGrains:Client:Tls:Enabled=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_with_a_certificate_the_cluster_does_not_trust_is_turned_away()
    {
        using var stranger = TestCertificates.SelfSigned("customergrains-test-cluster");
        var path = TestCertificates.WritePfx(stranger, tls.Directory, "stranger.pfx");

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => Cluster.StartClientAsync(o =>
        {
            o.ConnectTimeout = ConnectTimeout;
            o.Tls.Enabled = true;
            o.Tls.CertificatePath = path;
        }).WaitAsync(RefusalBound, Ct));

        Assert.StartsWith("Could not connect to the cluster through its gateways (127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"This client uses TLS with the certificate CN=customergrains-test-cluster (thumbprint {stranger.Thumbprint}): the silos must", error.Message, StringComparison.Ordinal);
        // Which side refuses first depends on the handshake (the client may reject the silo's certificate before the
        // silo sees the client's), so no silo log line is asserted: the client's refusal is what a user meets.
    }
}
