using System.Net;
using CustomerGrains.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CustomerGrains.Grains.Hosting;

/// <summary>TLS on a silo's ports (section <c>Orleans:Tls</c>).</summary>
public static class ClusterTlsSiloBuilderExtensions
{
    /// <summary>
    /// Reads and checks <c>Orleans:Tls</c> now (the certificate is loaded while the silo is built) and, when enabled,
    /// puts mutual TLS on the silo-to-silo port and the gateway: this silo presents its certificate and requires one from
    /// every silo and client, judged by <see cref="ClusterTls.AcceptsRemote"/>. Whether enabled or not, the silo checks
    /// at start where it listens (<see cref="ClusterTls.CheckPlaintext"/>). Throws listing every problem.
    /// </summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration configuration, bool production, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ClusterTlsOptions();
        var problems = new List<string>();
        try
        {
            configuration.GetSection(ClusterTlsOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{ClusterTlsOptions.Section}: {ex.Message}");
        }
        var tls = problems.Count == 0 ? ClusterTls.Load(options, ClusterTlsOptions.Section, ClusterTlsRole.Silo, production, time ?? TimeProvider.System, problems) : null;
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(ClusterTlsOptions.Section, typeof(ClusterTlsOptions), problems);
        }
        if (tls is not null)
        {
            silo.UseTls(tls.Certificate, tls.ApplyTo);
        }
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new ClusterTlsAtStart(
            options, tls, production, sp.GetRequiredService<IOptions<EndpointOptions>>().Value, sp.GetRequiredService<ILogger<ClusterTlsAtStart>>()));
        return silo;
    }
}

/// <summary>
/// At a silo's first start stage, before it connects to anything: says how its ports are secured, and without TLS
/// warns about (or, in Production, refuses) listening beyond loopback.
/// </summary>
internal sealed partial class ClusterTlsAtStart(ClusterTlsOptions options, ClusterTls? tls, bool production, EndpointOptions endpoints, ILogger<ClusterTlsAtStart> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterTlsAtStart), ServiceLifecycleStage.First, _ =>
        {
            Check();
            return Task.CompletedTask;
        });

    internal void Check()
    {
        if (tls is not null)
        {
            LogTls(logger, tls.Describe);
            return;
        }
        // As Orleans binds them: a listening endpoint where one is set, else the advertised address; a gateway only with a port.
        IPEndPoint?[] listening =
        [
            new IPEndPoint(endpoints.AdvertisedIPAddress, endpoints.SiloPort),
            endpoints.SiloListeningEndpoint,
            endpoints.GatewayListeningEndpoint ?? (endpoints.GatewayPort > 0 ? new IPEndPoint(endpoints.AdvertisedIPAddress, endpoints.GatewayPort) : null),
        ];
        if (ClusterTls.CheckPlaintext(options, ClusterTlsOptions.Section, "this silo listens on or advertises", listening.OfType<IPEndPoint>(), production) is not { } exposure)
        {
            return;
        }
        if (exposure.Refused)
        {
            throw new OptionsValidationException(ClusterTlsOptions.Section, typeof(ClusterTlsOptions), [exposure.Message]);
        }
        LogPlaintext(logger, exposure.Message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The cluster's ports use mutual TLS: {Description}")]
    private static partial void LogTls(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogPlaintext(ILogger logger, string message);
}
