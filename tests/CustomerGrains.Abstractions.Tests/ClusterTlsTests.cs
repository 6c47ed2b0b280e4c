using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CustomerGrains.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CustomerGrains.Abstractions.Tests;

/// <summary>
/// The TLS settings of the cluster's ports: a bad certificate setting stops the start with a message naming the
/// setting; remote certificates are judged as documented; plain text beyond loopback is reported.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private const string Section = ClusterTlsOptions.Section;
    private readonly TempDirectory directory = new("tls-options");
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    public void Dispose() => directory.Dispose();

    private List<string> Problems(ClusterTlsOptions options, ClusterTlsRole role = ClusterTlsRole.Silo, bool production = false)
    {
        var problems = new List<string>();
        using var tls = Load(options, problems, role, production)?.Certificate;
        Assert.True(tls is null == problems.Count > 0, "a certificate is returned exactly when no problem is found");
        return problems;
    }

    private ClusterTls? Load(ClusterTlsOptions options, List<string> problems, ClusterTlsRole role = ClusterTlsRole.Silo, bool production = false) =>
        ClusterTls.Load(options, Section, role, production, clock, problems);

    private ClusterTlsOptions FileOptions(string path, string? password = null) =>
        new() { Enabled = true, CertificatePath = path, CertificatePassword = password };

    [Fact]
    public void Turned_off_it_loads_nothing_and_checks_nothing()
    {
        var problems = new List<string>();
        Assert.Null(Load(new ClusterTlsOptions { CertificatePath = "/nowhere.pfx", AllowAnyRemoteCertificate = true }, problems, production: true));
        Assert.Empty(problems);
    }

    [Fact]
    public void A_pfx_with_its_key_and_password_is_loaded()
    {
        using var certificate = TestCertificates.SelfSigned("silo");
        var path = TestCertificates.WritePfx(certificate, directory.Path, "silo.pfx", "s3cret!");

        var problems = new List<string>();
        var tls = Load(FileOptions(path, "s3cret!"), problems);

        Assert.Empty(problems);
        Assert.Equal(certificate.Thumbprint, tls!.Certificate.Thumbprint);
        Assert.True(tls.Certificate.HasPrivateKey);
    }

    [Fact]
    public void A_pem_certificate_with_its_key_in_a_second_file_is_loaded()
    {
        using var certificate = TestCertificates.SelfSigned("client");
        var (crt, key) = TestCertificates.WritePem(certificate, directory.Path, "client");

        var problems = new List<string>();
        var tls = Load(new ClusterTlsOptions { Enabled = true, CertificatePath = crt, CertificateKeyPath = key }, problems, ClusterTlsRole.Client);

        Assert.Empty(problems);
        Assert.True(tls!.Certificate.HasPrivateKey);
    }

    [Fact]
    public void A_missing_file_is_named_with_its_setting()
    {
        var path = Path.Combine(directory.Path, "missing.pfx");

        var problem = Assert.Single(Problems(FileOptions(path)));

        Assert.Equal($"{Section}:CertificatePath: there is no file {path}", problem);
    }

    [Fact]
    public void A_wrong_or_missing_password_is_reported_as_the_password()
    {
        using var certificate = TestCertificates.SelfSigned("silo");
        var path = TestCertificates.WritePfx(certificate, directory.Path, "silo.pfx", "right-password");

        Assert.Equal($"{Section}:CertificatePassword: the password of {path} is wrong", Assert.Single(Problems(FileOptions(path, "wrong-password"))));
        Assert.Equal($"{Section}:CertificatePassword: the password of {path} is wrong (none is set, and the file has one)", Assert.Single(Problems(FileOptions(path))));
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused_as_pfx_or_pem()
    {
        using var certificate = TestCertificates.SelfSigned("silo");
        var pfx = TestCertificates.WritePfxWithoutKey(certificate, directory.Path, "public.pfx");
        var (pem, _) = TestCertificates.WritePem(certificate, directory.Path, "public", withKey: false);

        foreach (var path in new[] { pfx, pem })
        {
            var problem = Assert.Single(Problems(FileOptions(path)));
            Assert.StartsWith($"{Section}:CertificatePath: the certificate CN=silo (thumbprint {certificate.Thumbprint}) has no private key", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_expired_or_not_yet_valid_certificate_is_refused_on_the_clock_given()
    {
        var now = clock.GetUtcNow();
        using var expired = TestCertificates.SelfSigned("old", now.AddDays(-60), now.AddDays(-1));
        using var early = TestCertificates.SelfSigned("early", now.AddDays(1), now.AddDays(60));

        Assert.Contains(" expired on ", Assert.Single(Problems(FileOptions(TestCertificates.WritePfx(expired, directory.Path, "old.pfx")))), StringComparison.Ordinal);
        Assert.Contains(" is not valid before ", Assert.Single(Problems(FileOptions(TestCertificates.WritePfx(early, directory.Path, "early.pfx")))), StringComparison.Ordinal);

        // The same certificate is fine once the clock reaches it.
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Empty(Problems(FileOptions(Path.Combine(directory.Path, "early.pfx"))));
    }

    [Fact]
    public void A_silo_certificate_needs_server_and_client_authentication_and_a_client_certificate_only_client()
    {
        using var clientOnly = TestCertificates.SelfSigned("client", uses: [TestCertificates.ClientAuthentication]);
        var path = TestCertificates.WritePfx(clientOnly, directory.Path, "client.pfx");

        Assert.Empty(Problems(FileOptions(path), ClusterTlsRole.Client));
        Assert.Contains("may not be used for TLS server authentication", Assert.Single(Problems(FileOptions(path), ClusterTlsRole.Silo)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_the_section_is_reported_at_once()
    {
        var options = new ClusterTlsOptions { Enabled = true, AllowAnyRemoteCertificate = true, HandshakeTimeout = TimeSpan.Zero };
        options.RemoteThumbprints.Add("not-a-thumbprint");

        var problems = Problems(options, production: true);

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith($"{Section}:HandshakeTimeout must be between", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{Section}:AllowAnyRemoteCertificate is for development only and is refused in Production", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{Section}:RemoteThumbprints: 'not-a-thumbprint'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{Section}:Enabled is true but no certificate is configured", StringComparison.Ordinal));
    }

    [Fact]
    public void A_certificate_from_a_file_and_from_the_store_at_once_is_refused()
    {
        var problem = Assert.Single(Problems(new ClusterTlsOptions { Enabled = true, CertificatePath = "a.pfx", CertificateSubject = "silo" }));

        Assert.Equal($"{Section}: set either CertificatePath or CertificateThumbprint/CertificateSubject, not both", problem);
    }

    [Fact]
    public void A_store_certificate_that_is_not_there_is_named_with_the_store()
    {
        var problem = Assert.Single(Problems(new ClusterTlsOptions { Enabled = true, CertificateThumbprint = new string('A', 40) }));

        Assert.Equal($"{Section}:CertificateThumbprint: no certificate with thumbprint '{new string('A', 40)}' in the store CurrentUser/My", problem);
    }

    [Fact]
    public void Any_remote_certificate_is_allowed_only_outside_production()
    {
        using var certificate = TestCertificates.SelfSigned("dev");
        var options = FileOptions(TestCertificates.WritePfx(certificate, directory.Path, "dev.pfx"));
        options.AllowAnyRemoteCertificate = true;
        using var stranger = TestCertificates.SelfSigned("stranger");

        var problems = new List<string>();
        Assert.True(Load(options, problems)!.AcceptsRemote(stranger, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Single(Problems(options, production: true));
    }

    [Fact]
    public void The_same_certificate_and_pinned_ones_are_accepted_while_valid_and_strangers_are_not()
    {
        var now = clock.GetUtcNow();
        using var own = TestCertificates.SelfSigned("cluster");
        using var pinned = TestCertificates.SelfSigned("partner", now.AddDays(-1), now.AddDays(1));
        using var stranger = TestCertificates.SelfSigned("stranger");
        var options = FileOptions(TestCertificates.WritePfx(own, directory.Path, "cluster.pfx"));
        options.RemoteThumbprints.Add(string.Join(':', pinned.Thumbprint.Chunk(2).Select(pair => new string(pair))).ToLowerInvariant());
        var problems = new List<string>();
        var tls = Load(options, problems)!;
        Assert.Empty(problems);
        const SslPolicyErrors untrustedRoot = SslPolicyErrors.RemoteCertificateChainErrors;

        Assert.True(tls.AcceptsRemote(X509CertificateLoader.LoadCertificate(own.RawData), untrustedRoot));
        Assert.True(tls.AcceptsRemote(pinned, untrustedRoot | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(tls.AcceptsRemote(stranger, untrustedRoot));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.False(tls.AcceptsRemote(pinned, untrustedRoot));
    }

    [Fact]
    public void A_certificate_with_a_trusted_chain_is_accepted_and_with_a_name_configured_only_with_that_name()
    {
        using var own = TestCertificates.SelfSigned("cluster");
        using var issued = TestCertificates.SelfSigned("silo-7.cluster.example");
        var path = TestCertificates.WritePfx(own, directory.Path, "cluster.pfx");
        var problems = new List<string>();
        var anyName = Load(FileOptions(path), problems)!;
        var named = FileOptions(path);
        named.RemoteCertificateName = "silo-7.cluster.example";
        var onlyNamed = Load(named, problems)!;
        named.RemoteCertificateName = "other.example";
        var otherName = Load(named, problems)!;
        named.RemoteCertificateName = "not a name";
        Assert.Null(Load(named, problems));
        Assert.Equal($"{Section}:RemoteCertificateName: 'not a name' is not a DNS name", Assert.Single(problems));

        // Silos are reached by address, so a name mismatch with the connection is not held against a trusted chain.
        Assert.True(anyName.AcceptsRemote(issued, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.True(onlyNamed.AcceptsRemote(issued, SslPolicyErrors.None));
        Assert.False(otherName.AcceptsRemote(issued, SslPolicyErrors.None));
        Assert.False(anyName.AcceptsRemote(issued, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Plain_text_on_loopback_is_fine_beyond_it_a_warning_and_refused_in_production_unless_not_required()
    {
        IPEndPoint[] loopback = [new(IPAddress.Loopback, 11111), new(IPAddress.IPv6Loopback, 30000)];
        IPEndPoint[] network = [new(IPAddress.Loopback, 11111), new(IPAddress.Any, 30000)];
        var off = new ClusterTlsOptions();

        Assert.Null(ClusterTls.CheckPlaintext(off, Section, "this silo listens on", loopback, production: true));
        var warning = ClusterTls.CheckPlaintext(off, Section, "this silo listens on", network, production: false)!.Value;
        Assert.False(warning.Refused);
        Assert.StartsWith($"{Section}:Enabled is false, and this silo listens on 0.0.0.0:30000, which is not loopback", warning.Message, StringComparison.Ordinal);
        var refusal = ClusterTls.CheckPlaintext(off, Section, "this silo listens on", network, production: true)!.Value;
        Assert.True(refusal.Refused);
        Assert.Contains($"set {Section}:Required=false. Refused in Production.", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("new-cluster-cert", refusal.Message, StringComparison.Ordinal);

        Assert.False(ClusterTls.CheckPlaintext(new ClusterTlsOptions { Required = false }, Section, "this silo listens on", network, production: true)!.Value.Refused);
        Assert.Null(ClusterTls.CheckPlaintext(new ClusterTlsOptions { Enabled = true }, Section, "this silo listens on", network, production: true));
    }
}
