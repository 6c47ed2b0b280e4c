using System.Globalization;
using System.Net;
using CustomerGrains.Abstractions;

namespace CustomerGrains.Client;

/// <summary>How a backend service reaches a CustomerGrains cluster (configuration section <c>CustomerGrains:Client</c>).</summary>
public sealed class CustomerGrainsClientOptions
{
    /// <summary>The configuration section bound by default.</summary>
    public const string Section = "CustomerGrains:Client";

    /// <summary>
    /// Gateway endpoints of the silos as <c>host:port</c>. Default <c>127.0.0.1:30000</c> (the embedded default).
    /// For a cluster list every silo's gateway: the client spreads its calls over those that answer and keeps
    /// working while any one of them restarts.
    /// </summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>The cluster id of the engine's silos. Default <c>customergrains-local</c>.</summary>
    public string ClusterId { get; set; } = "customergrains-local";

    /// <summary>The service id of the engine's silos. Default <c>customergrains</c>.</summary>
    public string ServiceId { get; set; } = "customergrains";

    /// <summary>
    /// How many times a call is tried in all when the cluster fails in a way that passes (a silo that is
    /// restarting or was just killed, a lost connection, a timeout, a log whose storage does not answer). Reads and
    /// ingest alike: an event already in the log is reported as a duplicate, never applied twice. Default 5; 1 turns retries off.
    /// </summary>
    public int Attempts { get; set; } = 5;

    /// <summary>
    /// The pause before the first retry; it about doubles for each further retry, up to <see cref="MaxRetryDelay"/>, with random
    /// jitter so clients that failed together do not retry together. Default 200 ms.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between two attempts. Default 2 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one attempt waits for the cluster's answer. Default 10 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the client's start keeps trying to reach a gateway (the cluster may be starting too) before it fails,
    /// saying what to check (TLS included). Default 2 minutes.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// TLS to the gateways (section <c>CustomerGrains:Client:Tls</c>), the settings of a silo's <c>Orleans:Tls</c>: off
    /// by default; when on, the client presents its certificate (it needs client authentication) and checks the silo's.
    /// A client of a cluster with TLS needs it on, with a certificate the silos accept.
    /// </summary>
    public ClusterTlsOptions Tls { get; } = new();

    /// <summary>
    /// The checked TLS settings, null when off; throws listing every problem, and when gateways beyond loopback would be
    /// reached in plain text in Production (unless <c>Tls:Required</c> is false). Otherwise returns such a warning in
    /// <paramref name="warning"/>.
    /// </summary>
    public ClusterTls? ResolveTls(IEnumerable<IPEndPoint> gateways, bool production, out string? warning, TimeProvider? time = null)
    {
        const string section = Section + ":Tls";
        var problems = new List<string>();
        var tls = ClusterTls.Load(Tls, section, ClusterTlsRole.Client, production, time ?? TimeProvider.System, problems);
        warning = null;
        if (ClusterTls.CheckPlaintext(Tls, section, "this client connects to", gateways, production) is { } exposure)
        {
            if (exposure.Refused)
            {
                problems.Add(exposure.Message);
            }
            warning = exposure.Message;
        }
        return problems.Count == 0
            ? tls
            : throw new ArgumentException($"Invalid {section} settings: {string.Join("; ", problems)}");
    }

    /// <summary>
    /// The name this service's reads are recorded under in the engine's audit trail (role <c>service</c>), e.g.
    /// <c>web-shop</c>. Default: the name of the service's entry assembly. An Orleans client is trusted by the cluster: the
    /// name is what the service says it is, so give each service its own.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>The gateways as endpoints, the default when none is configured; every problem is reported at once.</summary>
    public IReadOnlyList<IPEndPoint> ResolveGateways()
    {
        var gateways = Gateways.Count == 0 ? ["127.0.0.1:30000"] : Gateways;
        var problems = new List<string>();
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways)
        {
            var colon = gateway.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                problems.Add($"Gateways: '{gateway}' is not host:port with a port from 1 to 65535");
                continue;
            }
            var host = gateway[..colon].Trim('[', ']');
            var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).FirstOrDefault();
            if (address is null)
            {
                problems.Add($"Gateways: host '{host}' does not resolve");
                continue;
            }
            endpoints.Add(new IPEndPoint(address, port));
        }
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            problems.Add("ClusterId must not be empty");
        }
        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add("ServiceId must not be empty");
        }
        if (Attempts is < 1 or > 100)
        {
            problems.Add($"Attempts must be between 1 and 100 (was {Attempts})");
        }
        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            problems.Add($"RetryDelay must be at least 0 and at most MaxRetryDelay (were {RetryDelay} and {MaxRetryDelay})");
        }
        if (ResponseTimeout < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"ResponseTimeout must be at least 100 ms (was {ResponseTimeout})");
        }
        if (ConnectTimeout < TimeSpan.FromSeconds(1) || ConnectTimeout > TimeSpan.FromHours(1))
        {
            problems.Add($"ConnectTimeout must be between 1 s and 1 hour (was {ConnectTimeout})");
        }
        return problems.Count == 0
            ? endpoints
            : throw new ArgumentException($"Invalid {Section} settings: {string.Join("; ", problems)}");
    }
}
