using System.Net;
using CustomerGrains.Grains.Hosting;
using Microsoft.AspNetCore.HttpOverrides;

namespace CustomerGrains.Host.Hosting;

/// <summary>
/// A TLS-terminating reverse proxy in front of the host (configuration section <c>Proxy</c>, off by default). When on,
/// the host takes the client's address and scheme from <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>, sent only by
/// the listed proxies: sign-in limits count the real client, and a request that reached the proxy over HTTPS gets a
/// <c>Secure</c> session cookie and <c>Strict-Transport-Security</c>.
/// </summary>
public sealed class ProxyOptions : ISelfValidatingOptions
{
    public const string Section = "Proxy";

    /// <summary>Trust forwarded headers from <see cref="KnownProxies"/> and <see cref="KnownNetworks"/>. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Addresses of the proxies (e.g. <c>10.0.0.5</c>); with neither this nor networks, loopback only.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in CIDR form (e.g. <c>10.0.0.0/24</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How long browsers keep to HTTPS after a response over it (<c>Strict-Transport-Security</c>). Default 365 days.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    public IEnumerable<string> Validate()
    {
        foreach (var (proxy, i) in KnownProxies.Select((p, i) => (p, i)).Where(p => !IPAddress.TryParse(p.p, out _)))
        {
            yield return $"{nameof(KnownProxies)}:{i} '{proxy}' is not an IP address";
        }
        foreach (var (network, i) in KnownNetworks.Select((n, i) => (n, i)).Where(n => !System.Net.IPNetwork.TryParse(n.n, out _)))
        {
            yield return $"{nameof(KnownNetworks)}:{i} '{network}' is not a network in CIDR form (10.0.0.0/24)";
        }
        if (HstsMaxAge < TimeSpan.Zero || HstsMaxAge > TimeSpan.FromDays(2 * 365))
        {
            yield return $"{nameof(HstsMaxAge)} must be between 0 and 730 days (was {HstsMaxAge})";
        }
    }

    /// <summary>The forwarded-headers settings these options stand for.</summary>
    internal void ApplyTo(ForwardedHeadersOptions forwarded)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        if (KnownProxies.Count + KnownNetworks.Count == 0)
        {
            return;
        }
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        KnownProxies.ForEach(p => forwarded.KnownProxies.Add(IPAddress.Parse(p)));
        KnownNetworks.ForEach(n => forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n)));
    }
}
