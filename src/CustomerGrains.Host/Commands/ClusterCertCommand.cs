using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>new-cluster-cert --out DIR [--subject NAME] [--days N] [--password PASSWORD]</c>: makes a self-signed certificate
/// for TLS between the silos and clients of one cluster (<c>Orleans:Tls</c>): <c>cluster.pfx</c> with its private key,
/// which every silo and client is given (they accept each other because they present the same certificate), and
/// <c>cluster.crt</c>, the certificate alone (PEM), for inspection or pinning.
/// </summary>
internal sealed class ClusterCertCommand : IHostCommand
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public string Name => "new-cluster-cert";

    public string Summary => "makes a self-signed certificate (cluster.pfx) for TLS between silos and clients";

    public async Task<int> RunAsync(string[] arguments)
    {
        var directory = HostCommands.OptionValue(arguments, "--out");
        var subject = HostCommands.OptionValue(arguments, "--subject") ?? "customergrains-cluster";
        var daysText = HostCommands.OptionValue(arguments, "--days") ?? "365";
        var password = HostCommands.OptionValue(arguments, "--password");
        if (directory is null)
        {
            await Console.Error.WriteLineAsync("new-cluster-cert: --out DIR is required (the folder the certificate is written to).");
            return 2;
        }
        if (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 3650)
        {
            await Console.Error.WriteLineAsync($"new-cluster-cert: --days must be a whole number of days from 1 to 3650 (was '{daysText}').");
            return 2;
        }
        var pfx = Path.GetFullPath(Path.Combine(directory, "cluster.pfx"));
        var crt = Path.GetFullPath(Path.Combine(directory, "cluster.crt"));
        if (File.Exists(pfx) || File.Exists(crt))
        {
            await Console.Error.WriteLineAsync($"new-cluster-cert: {pfx} or {crt} exists already; remove it, or choose another --out.");
            return 2;
        }

        using var certificate = Create(subject, TimeProvider.System.GetUtcNow(), days);
        Directory.CreateDirectory(Path.GetDirectoryName(pfx)!);
        var bytes = certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
        var only = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Readable by its owner only: the file holds the private key.
            only.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var file = new FileStream(pfx, only))
        {
            await file.WriteAsync(bytes);
        }
        await File.WriteAllTextAsync(crt, certificate.ExportCertificatePem() + "\n");

        Console.WriteLine($"wrote {pfx} (certificate and private key{(password is null ? ", no password: keep the file private" : ", protected by the password")})");
        Console.WriteLine($"wrote {crt} (the certificate alone)");
        Console.WriteLine($"subject CN={subject}, thumbprint {certificate.Thumbprint}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd} UTC");
        Console.WriteLine("Give the same file to every silo and client of the cluster:");
        Console.WriteLine($"  silo:   --Orleans:Tls:Enabled=true --Orleans:Tls:CertificatePath={pfx}{(password is null ? "" : " (and Orleans__Tls__CertificatePassword in the environment)")}");
        Console.WriteLine($"  client: CustomerGrains:Client:Tls:Enabled=true, CustomerGrains:Client:Tls:CertificatePath={pfx}");
        return 0;
    }

    /// <summary>A self-signed ECDSA P-256 certificate for both ends of a TLS connection, valid from a few minutes ago (clock skew) for <paramref name="days"/>.</summary>
    internal static X509Certificate2 Create(string subject, DateTimeOffset now, int days)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={subject}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication), new Oid(ClientAuthentication)], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subject);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(days));
    }
}
