using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Orleans.Connections.Security;

namespace CustomerGrains.Abstractions;

/// <summary>Which end of the cluster's connections a node is: a silo accepts and opens them, a client only opens them.</summary>
public enum ClusterTlsRole
{
    /// <summary>A silo: TLS server to clients and silos, TLS client to silos; its certificate needs both uses.</summary>
    Silo,

    /// <summary>A client of the gateways: TLS client only.</summary>
    Client,
}

/// <summary>
/// Checked TLS settings of a silo or client: this node's certificate, loaded, and how the other side's certificate is
/// judged (<see cref="AcceptsRemote"/>): this node's own certificate, a pinned thumbprint, or a chain to a trusted root
/// (with the configured name, if any). Made by <see cref="Load"/>, which reports every problem naming its setting.
/// </summary>
public sealed class ClusterTls
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    // What the PKCS#12 loader reports for a password that does not open the file (ERROR_INVALID_PASSWORD).
    private const int WrongPassword = unchecked((int)0x80070056);

    private readonly HashSet<string> pinned;
    private readonly string? remoteName;
    private readonly bool acceptAny;
    private readonly TimeProvider time;

    private ClusterTls(X509Certificate2 certificate, ClusterTlsOptions options, IEnumerable<string> pinned, TimeProvider time)
    {
        Certificate = certificate;
        HandshakeTimeout = options.HandshakeTimeout;
        remoteName = string.IsNullOrWhiteSpace(options.RemoteCertificateName) ? null : options.RemoteCertificateName.Trim();
        acceptAny = options.AllowAnyRemoteCertificate;
        this.pinned = new HashSet<string>(pinned.Append(certificate.Thumbprint), StringComparer.OrdinalIgnoreCase);
        this.time = time;
    }

    /// <summary>This node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>How long a handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>Whether any certificate is accepted (development only).</summary>
    public bool AcceptsAnyRemote => acceptAny;

    /// <summary>This node's certificate and how remote ones are judged, for the start-up log.</summary>
    public string Describe =>
        $"certificate {Certificate.Subject} (thumbprint {Certificate.Thumbprint}, valid until {Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC); " +
        (acceptAny
            ? "ANY remote certificate is accepted (AllowAnyRemoteCertificate, development only)"
            : $"remote certificates accepted: the same certificate{(pinned.Count > 1 ? $", {pinned.Count - 1} pinned thumbprint(s)" : "")}, " +
              $"or one that chains to a trusted root{(remoteName is null ? "" : $" and names {remoteName}")}");

    /// <summary>
    /// Reads and checks <paramref name="options"/>; returns null when TLS is off, or when a problem was found (added to
    /// <paramref name="problems"/> as <c>SECTION:Setting: what is wrong</c>).
    /// </summary>
    public static ClusterTls? Load(ClusterTlsOptions options, string section, ClusterTlsRole role, bool production, TimeProvider time, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.Enabled)
        {
            return null;
        }
        var before = problems.Count;
        if (options.HandshakeTimeout < TimeSpan.FromSeconds(1) || options.HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{section}:{nameof(options.HandshakeTimeout)} must be between 1 s and 5 minutes (was {options.HandshakeTimeout})");
        }
        if (options.AllowAnyRemoteCertificate && production)
        {
            problems.Add($"{section}:{nameof(options.AllowAnyRemoteCertificate)} is for development only and is refused in Production: " +
                         $"share one certificate, pin the others in {section}:{nameof(options.RemoteThumbprints)}, or issue them from a CA this machine trusts");
        }
        if (!string.IsNullOrWhiteSpace(options.RemoteCertificateName) && Uri.CheckHostName(options.RemoteCertificateName.Trim()) != UriHostNameType.Dns)
        {
            problems.Add($"{section}:{nameof(options.RemoteCertificateName)}: '{options.RemoteCertificateName}' is not a DNS name");
        }
        var pinned = new List<string>();
        foreach (var thumbprint in options.RemoteThumbprints)
        {
            var hex = thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            if (hex.Length == 40 && hex.All(char.IsAsciiHexDigit))
            {
                pinned.Add(hex);
            }
            else
            {
                problems.Add($"{section}:{nameof(options.RemoteThumbprints)}: '{thumbprint}' is not a SHA-1 thumbprint (40 hex digits)");
            }
        }
        var certificate = LoadCertificate(options, section, problems);
        if (certificate is not null)
        {
            var setting = $"{section}:{(string.IsNullOrWhiteSpace(options.CertificatePath) ? StoreSetting(options) : nameof(options.CertificatePath))}";
            Check(certificate, setting, section, role, time.GetUtcNow(), problems);
        }
        if (certificate is null || problems.Count > before)
        {
            certificate?.Dispose();
            return null;
        }
        return new ClusterTls(certificate, options, pinned, time);
    }

    /// <summary>
    /// Mutual TLS with this node's certificate, for <c>UseTls(certificate, ApplyTo)</c> of a silo or client builder: the
    /// other side must present a certificate (a silo requires one from every silo and client), this node presents its own
    /// when it connects, and the other's is judged by <see cref="AcceptsRemote"/>.
    /// </summary>
    public void ApplyTo(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, errors) => AcceptsRemote(certificate, errors);
        options.HandshakeTimeout = HandshakeTimeout;
    }

    /// <summary>
    /// Decides whether the other side's certificate is accepted (the TLS layer's remote-certificate callback; it is
    /// called only when one was presented): any, with <see cref="ClusterTlsOptions.AllowAnyRemoteCertificate"/>; this
    /// node's own certificate or a pinned one while it is within its validity; otherwise one whose chain to a trusted
    /// root has no error and, if configured, carries <see cref="ClusterTlsOptions.RemoteCertificateName"/>. Silos are
    /// reached by IP address, so the connection's host name is not compared.
    /// </summary>
    public bool AcceptsRemote(X509Certificate2 certificate, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (acceptAny)
        {
            return true;
        }
        if (pinned.Contains(certificate.Thumbprint))
        {
            var now = time.GetUtcNow();
            return now >= certificate.NotBefore.ToUniversalTime() && now <= certificate.NotAfter.ToUniversalTime();
        }
        if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None)
        {
            return false;
        }
        return remoteName is null || certificate.MatchesHostname(remoteName, allowWildcards: true, allowCommonName: true);
    }

    /// <summary>
    /// Without TLS, the endpoints of <paramref name="endpoints"/> that are not loopback make plain text cross a network:
    /// returns a message saying so and whether it is refused (Production, unless <see cref="ClusterTlsOptions.Required"/>
    /// is false), or null when TLS is on or every endpoint is loopback.
    /// </summary>
    public static (string Message, bool Refused)? CheckPlaintext(
        ClusterTlsOptions options, string section, string what, IEnumerable<IPEndPoint> endpoints, bool production)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        if (options.Enabled)
        {
            return null;
        }
        var exposed = endpoints.Where(e => !IPAddress.IsLoopback(e.Address)).Select(e => e.ToString()).Distinct().ToList();
        if (exposed.Count == 0)
        {
            return null;
        }
        var refused = production && options.Required;
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{section}:{nameof(options.Enabled)} is false, and {what} {string.Join(", ", exposed)}, ")
            .Append("which is not loopback: the cluster's calls, customer data among them, cross the network in plain text. ")
            .Append(CultureInfo.InvariantCulture, $"Turn TLS on ({section}:{nameof(options.Enabled)}=true with {section}:{nameof(options.CertificatePath)}; ")
            .Append("`dotnet run --project src/CustomerGrains.Host -- new-cluster-cert --out DIR` makes a certificate)");
        message.Append((refused, options.Required) switch
        {
            (true, _) => $", or, where the network is protected otherwise, set {section}:{nameof(options.Required)}=false. Refused in Production.",
            (false, true) => $". A warning outside Production; refused in Production unless {section}:{nameof(options.Required)}=false.",
            _ => $". Allowed by {section}:{nameof(options.Required)}=false.",
        });
        return (message.ToString(), refused);
    }

    private static string StoreSetting(ClusterTlsOptions options) =>
        string.IsNullOrWhiteSpace(options.CertificateThumbprint) ? nameof(options.CertificateSubject) : nameof(options.CertificateThumbprint);

    private static X509Certificate2? LoadCertificate(ClusterTlsOptions options, string section, ICollection<string> problems)
    {
        var fromFile = !string.IsNullOrWhiteSpace(options.CertificatePath);
        var fromStore = !string.IsNullOrWhiteSpace(options.CertificateThumbprint) || !string.IsNullOrWhiteSpace(options.CertificateSubject);
        if (fromFile == fromStore)
        {
            problems.Add(fromFile
                ? $"{section}: set either {nameof(options.CertificatePath)} or {nameof(options.CertificateThumbprint)}/{nameof(options.CertificateSubject)}, not both"
                : $"{section}:{nameof(options.Enabled)} is true but no certificate is configured: set {section}:{nameof(options.CertificatePath)} " +
                  $"(a .pfx, or PEM) or {section}:{nameof(options.CertificateThumbprint)} / {nameof(options.CertificateSubject)} (the certificate store)");
            return null;
        }
        return fromFile ? LoadFile(options, section, problems) : LoadFromStore(options, section, problems);
    }

    private static X509Certificate2? LoadFile(ClusterTlsOptions options, string section, ICollection<string> problems)
    {
        var path = Path.GetFullPath(options.CertificatePath!);
        var keyPath = string.IsNullOrWhiteSpace(options.CertificateKeyPath) ? null : Path.GetFullPath(options.CertificateKeyPath);
        if (!File.Exists(path))
        {
            problems.Add($"{section}:{nameof(options.CertificatePath)}: there is no file {path}");
            return null;
        }
        if (keyPath is not null && !File.Exists(keyPath))
        {
            problems.Add($"{section}:{nameof(options.CertificateKeyPath)}: there is no file {keyPath}");
            return null;
        }
        var password = string.IsNullOrEmpty(options.CertificatePassword) ? null : options.CertificatePassword;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (!IsPem(bytes))
            {
                return LoadPkcs12(bytes, path, password, section, problems);
            }
            if (keyPath is null && !Encoding.ASCII.GetString(bytes).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                // The certificate alone: reported as "no private key" by the checks that follow.
                return X509CertificateLoader.LoadCertificate(bytes);
            }
            return password is null
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add($"{section}:{nameof(options.CertificatePath)}: {path} could not be read as a certificate with its key ({ex.Message})");
            return null;
        }
    }

    private static X509Certificate2? LoadPkcs12(byte[] bytes, string path, string? password, string section, ICollection<string> problems)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12(bytes, password);
        }
        catch (CryptographicException ex) when (ex.HResult == WrongPassword)
        {
            problems.Add($"{section}:{nameof(ClusterTlsOptions.CertificatePassword)}: the password of {path} is wrong" +
                         (password is null ? " (none is set, and the file has one)" : ""));
            return null;
        }
    }

    private static bool IsPem(byte[] bytes) =>
        Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN ", StringComparison.Ordinal);

    private static X509Certificate2? LoadFromStore(ClusterTlsOptions options, string section, ICollection<string> problems)
    {
        var byThumbprint = !string.IsNullOrWhiteSpace(options.CertificateThumbprint);
        var setting = $"{section}:{StoreSetting(options)}";
        var wanted = byThumbprint ? options.CertificateThumbprint!.Replace(" ", "", StringComparison.Ordinal) : options.CertificateSubject!;
        var where = $"the store {options.CertificateStoreLocation}/{options.CertificateStoreName}";
        try
        {
            using var store = new X509Store(options.CertificateStoreName, options.CertificateStoreLocation);
            store.Open(OpenFlags.ReadOnly);
            var found = store.Certificates.Find(byThumbprint ? X509FindType.FindByThumbprint : X509FindType.FindBySubjectName, wanted, validOnly: false);
            var chosen = found.OrderByDescending(c => c.HasPrivateKey).ThenByDescending(c => c.NotAfter).FirstOrDefault();
            foreach (var other in found.Where(c => !ReferenceEquals(c, chosen)))
            {
                other.Dispose();
            }
            if (chosen is null)
            {
                problems.Add($"{setting}: no certificate {(byThumbprint ? "with thumbprint" : "with subject")} '{wanted}' in {where}");
            }
            return chosen;
        }
        catch (CryptographicException ex)
        {
            problems.Add($"{setting}: {where} could not be opened ({ex.Message})");
            return null;
        }
    }

    private static void Check(X509Certificate2 certificate, string setting, string section, ClusterTlsRole role, DateTimeOffset now, ICollection<string> problems)
    {
        var named = $"the certificate {certificate.Subject} (thumbprint {certificate.Thumbprint})";
        if (!certificate.HasPrivateKey)
        {
            problems.Add($"{setting}: {named} has no private key: give the file with its key (a .pfx, or PEM with the key or " +
                         $"{section}:{nameof(ClusterTlsOptions.CertificateKeyPath)}), or a store certificate whose key this user may read");
        }
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        if (now > notAfter)
        {
            problems.Add($"{setting}: {named} expired on {notAfter:yyyy-MM-dd HH:mm} UTC: make or issue a new one");
        }
        else if (now < notBefore)
        {
            problems.Add($"{setting}: {named} is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC");
        }
        var uses = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value))
            .ToList();
        var hasUses = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any();
        if (hasUses && !uses.Contains(ClientAuthentication))
        {
            problems.Add($"{setting}: {named} may not be used for TLS client authentication (its extended key usage lacks {ClientAuthentication})" +
                         (role == ClusterTlsRole.Silo ? "; a silo's certificate needs both client and server authentication" : ""));
        }
        if (hasUses && role == ClusterTlsRole.Silo && !uses.Contains(ServerAuthentication))
        {
            problems.Add($"{setting}: {named} may not be used for TLS server authentication (its extended key usage lacks {ServerAuthentication}); " +
                         "a silo's certificate needs both client and server authentication");
        }
    }
}
