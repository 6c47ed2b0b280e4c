using System.Net;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// Refuses to start a host that has a demo credential (a password or key published in the README) and is reachable by
/// others: one that runs in Production or listens on an address other than loopback. The demo users exist so the
/// README's examples run on a developer's machine (appsettings.Development.json), nowhere else.
/// </summary>
internal sealed class DemoCredentialGuard(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<AgentOptions>
{
    /// <summary>The published demo keys (README, appsettings.Development.json).</summary>
    public static readonly IReadOnlyList<string> DemoKeys = ["demo-agent1-key", "demo-super1-key", "demo-cti-key", "demo-service-key", "demo-admin-key"];

    // The hashes of the published demo passwords agent-demo-1 and supervisor-demo-1 as shipped, now and before (a salted
    // hash cannot be recomputed, so the shipped strings are what is recognised).
    private static readonly HashSet<string> DemoPasswordHashes = new(StringComparer.Ordinal)
    {
        "pbkdf2-sha256$600000$XymkMWmCUSktKAc7TYmdpQ==$VbsvcYqxro0IjJhN5ZDRRggejmHosHWtFaj4PNi21eU=",
        "pbkdf2-sha256$600000$FRWUx5NmPWASN5Jfga1TUg==$DanYXdp8mx+ldptKvwScPv1mtiQ+SW3nkMewpmIAYao=",
        "pbkdf2-sha256$210000$N9HQAw/OUEaTd/XmJlTKpg==$WoMxH8Y9/K6+lreo12vXsKYyn0LuJJSswekaFD0h3bw=",
        "pbkdf2-sha256$210000$HYkJG6x72dLxYtoitwILCg==$FQeCyaEth8qAQgeHYxvYnY8CBKhDJ0qzTEl2KakRfnY=",
    };

    private static readonly HashSet<string> DemoKeyHashes = new(DemoKeys.Select(Secrets.HashKey), StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var demoUsers = options.Users
            .Where(u => (u.Value.KeyHash is { } key && DemoKeyHashes.Contains(key)) || (u.Value.PasswordHash is { } password && DemoPasswordHashes.Contains(password)))
            .Select(u => u.Key)
            .ToList();
        if (demoUsers.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }
        var exposures = new List<string>();
        if (environment.IsProduction())
        {
            exposures.Add("runs in the Production environment");
        }
        exposures.AddRange(ListenAddresses.NotLoopback(configuration).Select(url => $"listens on {url}, which is not a loopback address"));
        if (exposures.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }
        return ValidateOptionsResult.Fail(
            $"{AgentOptions.Section}:Users: {string.Join(", ", demoUsers)} {(demoUsers.Count == 1 ? "has a demo password or key" : "have demo passwords or keys")} " +
            $"(published in the README), and this host {string.Join(" and ", exposures)}. " +
            "Demo credentials are allowed only outside Production on loopback. Configure real ones instead: a password hash with " +
            "`echo 'the password' | dotnet run --project src/CustomerGrains.Host -- hash-password`, a key and its hash with " +
            $"`dotnet run --project src/CustomerGrains.Host -- new-key`, under {AgentOptions.Section}:Users:<id>:PasswordHash / KeyHash, and remove the demo users.");
    }
}

/// <summary>The HTTP addresses a host is configured to listen on, as Kestrel reads them.</summary>
internal static class ListenAddresses
{
    /// <summary>The configured URLs whose host is not loopback (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, a name or a public address).</summary>
    public static IEnumerable<string> NotLoopback(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        // http_ports / https_ports (ASPNETCORE_HTTP_PORTS, as container images set) bind every interface.
        var ports = new[] { "http_ports", "https_ports" }
            .SelectMany(key => (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(port => $"{key.Split('_')[0]}://*:{port}"));
        return urls.Concat(ports).Where(url => !IsLoopback(url)).Distinct();
    }

    private static bool IsLoopback(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var end = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        var host = end <= 0 ? rest : rest[..end];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
