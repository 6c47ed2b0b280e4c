using System.Security.Cryptography.X509Certificates;

namespace CustomerGrains.Abstractions;

/// <summary>
/// TLS on the cluster's own ports: silo to silo and client to gateway (section <c>Orleans:Tls</c> of a silo,
/// <c>CustomerGrains:Client:Tls</c> of the typed client). Off by default, which is safe only on loopback: a silo that
/// listens beyond loopback without it warns, and refuses to start in Production unless <see cref="Required"/> is false.
/// When on, it is mutual TLS: every silo and client presents a certificate and checks the other's.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>The section of a silo's configuration.</summary>
    public const string Section = "Orleans:Tls";

    /// <summary>Whether the cluster's connections use TLS. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Whether plain text beyond loopback is refused in Production. Default true; false lets a silo or client whose
    /// network is protected otherwise run without TLS (with a warning at start).
    /// </summary>
    public bool Required { get; set; } = true;

    /// <summary>This node's certificate as a file: PKCS#12 (<c>.pfx</c>) with its private key, or PEM (the key in the same file or in <see cref="CertificateKeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/> when it is in a file of its own.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PKCS#12 file, or of an encrypted PEM key. Keep it out of files: an environment variable or a secret store.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>This node's certificate from the certificate store, by thumbprint (instead of a file).</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>This node's certificate from the certificate store, by subject name (instead of a file); the one that expires last is taken.</summary>
    public string? CertificateSubject { get; set; }

    /// <summary>The store searched by <see cref="CertificateThumbprint"/> or <see cref="CertificateSubject"/>. Default <c>My</c>.</summary>
    public StoreName CertificateStoreName { get; set; } = StoreName.My;

    /// <summary>The store location searched. Default <c>CurrentUser</c>.</summary>
    public StoreLocation CertificateStoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>
    /// Thumbprints (SHA-1, hex) of further certificates the other side may present, self-signed or not, besides this
    /// node's own certificate (always accepted: a cluster may share one) and certificates that chain to a trusted root.
    /// </summary>
    public IList<string> RemoteThumbprints { get; } = [];

    /// <summary>
    /// A DNS name a certificate accepted by its chain must be valid for (as a subject alternative name, a wildcard one
    /// included, or else its common name), e.g. <c>silo.cluster.internal</c>. Without it,
    /// any certificate issued by a root this machine trusts is accepted: set it unless the trusted roots are the cluster's own CA.
    /// </summary>
    public string? RemoteCertificateName { get; set; }

    /// <summary>Accepts any certificate the other side presents (it must still present one). For development only: refused in Production.</summary>
    public bool AllowAnyRemoteCertificate { get; set; }

    /// <summary>How long a TLS handshake may take. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
