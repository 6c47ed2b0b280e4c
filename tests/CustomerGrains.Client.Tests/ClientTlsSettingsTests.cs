using CustomerGrains.Testing;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Client.Tests;

/// <summary>The typed client's TLS settings are checked while it is registered, before it connects anywhere.</summary>
public sealed class ClientTlsSettingsTests
{
    private static HostApplicationBuilder Service(string environment) =>
        Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });

    [Fact]
    public void A_production_client_refuses_plain_text_to_a_gateway_beyond_loopback_unless_told_it_is_not_required()
    {
        // A documentation address (TEST-NET-1): the client is only registered, never started, so nothing is sent to it.
        var error = Assert.Throws<ArgumentException>(() => Service(Environments.Production).AddCustomerGrainsClient(o => o.Gateways.Add("192.0.2.10:30000")));

        Assert.StartsWith("Invalid CustomerGrains:Client:Tls settings: CustomerGrains:Client:Tls:Enabled is false, and this client connects to 192.0.2.10:30000, which is not loopback",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("set CustomerGrains:Client:Tls:Required=false. Refused in Production.", error.Message, StringComparison.Ordinal);

        Service(Environments.Production).AddCustomerGrainsClient(o =>
        {
            o.Gateways.Add("192.0.2.10:30000");
            o.Tls.Required = false;
        });
        Service(Environments.Development).AddCustomerGrainsClient(o => o.Gateways.Add("192.0.2.10:30000"));
    }

    [Fact]
    public void A_client_certificate_that_cannot_be_used_is_reported_with_its_setting()
    {
        using var directory = new TempDirectory("client-tls");
        using var certificate = TestCertificates.SelfSigned("client");
        var path = TestCertificates.WritePfxWithoutKey(certificate, directory.Path, "public.pfx");

        var error = Assert.Throws<ArgumentException>(() => Service(Environments.Production).AddCustomerGrainsClient(o =>
        {
            o.Tls.Enabled = true;
            o.Tls.CertificatePath = path;
        }));

        Assert.StartsWith($"Invalid CustomerGrains:Client:Tls settings: CustomerGrains:Client:Tls:CertificatePath: the certificate CN=client (thumbprint {certificate.Thumbprint}) has no private key",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tls_settings_bind_from_the_client_section()
    {
        using var directory = new TempDirectory("client-tls");
        using var certificate = TestCertificates.SelfSigned("client");
        var path = TestCertificates.WritePfx(certificate, directory.Path, "client.pfx", "pw");
        var builder = Service(Environments.Production);
        builder.Configuration["CustomerGrains:Client:Tls:Enabled"] = "true";
        builder.Configuration["CustomerGrains:Client:Tls:CertificatePath"] = path;
        builder.Configuration["CustomerGrains:Client:Tls:CertificatePassword"] = "wrong";

        var error = Assert.Throws<ArgumentException>(() => builder.AddCustomerGrainsClient());

        Assert.Equal($"Invalid CustomerGrains:Client:Tls settings: CustomerGrains:Client:Tls:CertificatePassword: the password of {path} is wrong", error.Message);
    }
}
