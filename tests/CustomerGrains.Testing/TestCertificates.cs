using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CustomerGrains.Testing;

/// <summary>Certificates made in a test (<see cref="CertificateRequest"/>) and the files an operator would be given.</summary>
public static class TestCertificates
{
    /// <summary>TLS server authentication (extended key usage).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>TLS client authentication (extended key usage).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// A self-signed RSA certificate named <paramref name="name"/>, valid from <paramref name="notBefore"/> (default: an
    /// hour ago) to <paramref name="notAfter"/> (default: in 30 days), for <paramref name="uses"/> (default: server and client authentication).
    /// </summary>
    public static X509Certificate2 SelfSigned(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string[]? uses = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var oids = new OidCollection();
        foreach (var use in uses ?? [ServerAuthentication, ClientAuthentication])
        {
            oids.Add(new Oid(use));
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(30));
    }

    /// <summary>Writes <paramref name="certificate"/> with its private key as a PKCS#12 file; returns its path.</summary>
    public static string WritePfx(X509Certificate2 certificate, string directory, string fileName, string? password = null)
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllBytes(path, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password));
        return path;
    }

    /// <summary>Writes <paramref name="certificate"/> without its private key as a PKCS#12 file; returns its path.</summary>
    public static string WritePfxWithoutKey(X509Certificate2 certificate, string directory, string fileName, string? password = null)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return WritePfx(publicOnly, directory, fileName, password);
    }

    /// <summary>Writes the certificate (PEM) and, unless <paramref name="withKey"/> is false, its private key (PEM) to a second file; returns both paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string name, bool withKey = true)
    {
        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (withKey)
        {
            using var key = certificate.GetRSAPrivateKey()!;
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        }
        return (certificatePath, keyPath);
    }
}
