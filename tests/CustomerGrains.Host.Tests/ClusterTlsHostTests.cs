using System.Security.Cryptography.X509Certificates;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>The cluster's own ports as an operator meets them: TLS from a made certificate, bad settings, plain text beyond loopback.</summary>
public sealed class ClusterTlsHostTests
{
    private static Dictionary<string, string> ProductionUser() => new()
    {
        ["Agents:Users:ops:Role"] = "admin",
        ["Agents:Users:ops:KeyHash"] = TestSecrets.KeyHash(Guid.NewGuid().ToString()),
    };

    [Fact]
    public async Task A_certificate_from_new_cluster_cert_starts_a_silo_with_tls_on_its_ports()
    {
        using var data = new TempDirectory("tls-command");
        var folder = Path.Combine(data.Path, "certs");

        var (exit, output, error) = await HostProcess.RunCommandAsync("new-cluster-cert", "--out", folder, "--days", "30", "--password", "pfx-pass");

        Assert.True(exit == 0, error + output);
        var pfx = Path.Combine(folder, "cluster.pfx");
        Assert.Contains($"wrote {pfx}", output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pfx));
        }
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, "pfx-pass");
        Assert.True(certificate.HasPrivateKey);
        Assert.Contains($"thumbprint {certificate.Thumbprint}", output, StringComparison.Ordinal);
        Assert.InRange(certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(30));

        // A second run does not overwrite the key a cluster may be using.
        var again = await HostProcess.RunCommandAsync("new-cluster-cert", "--out", folder);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists already", again.Error, StringComparison.Ordinal);

        await using var silo = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = pfx,
            ["Orleans:Tls:CertificatePassword"] = "pfx-pass",
        });
        await silo.StartAsync();
        Assert.Contains($"The cluster's ports use mutual TLS: certificate CN=customergrains-cluster (thumbprint {certificate.Thumbprint}", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_whose_certificate_file_is_missing_refuses_to_start_naming_the_setting()
    {
        using var data = new TempDirectory("tls-missing");
        var missing = Path.Combine(data.Path, "nowhere.pfx");
        await using var silo = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = missing,
        });

        Assert.NotEqual(0, await silo.RunUntilExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"Orleans:Tls:CertificatePath: there is no file {missing}", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_silo_listening_beyond_loopback_without_tls_refuses_to_start_and_says_what_to_set()
    {
        using var data = new TempDirectory("tls-plaintext");
        var port = TestEnvironment.FreePort();
        var settings = ProductionUser();
        // Refused at the silo's first start stage, before any listener is opened.
        settings["Orleans:Endpoints:GatewayListeningEndpoint"] = $"0.0.0.0:{port}";
        await using var silo = new HostProcess(data.Path, settings, environment: "Production");

        Assert.NotEqual(0, await silo.RunUntilExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"Orleans:Tls:Enabled is false, and this silo listens on or advertises 0.0.0.0:{port}, which is not loopback", silo.Output, StringComparison.Ordinal);
        Assert.Contains("set Orleans:Tls:Required=false. Refused in Production.", silo.Output, StringComparison.Ordinal);
    }
}
