using System.Net;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CustomerGrains.Grains.Tests.Hosting;

/// <summary>What a silo without TLS does at start, by where its endpoints are (as Orleans will bind them).</summary>
public sealed class ClusterTlsAtStartTests
{
    private sealed class Lines : ILogger<ClusterTlsAtStart>
    {
        public List<(LogLevel Level, string Text)> Logged { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Logged.Add((logLevel, formatter(state, exception)));
    }

    private static EndpointOptions Endpoints(IPAddress advertised, IPEndPoint? gatewayListening = null) =>
        new() { AdvertisedIPAddress = advertised, SiloPort = 11111, GatewayPort = 30000, GatewayListeningEndpoint = gatewayListening };

    [Fact]
    public void On_loopback_nothing_is_said()
    {
        var log = new Lines();
        new ClusterTlsAtStart(new ClusterTlsOptions(), null, production: true, Endpoints(IPAddress.Loopback), log).Check();
        Assert.Empty(log.Logged);
    }

    [Fact]
    public void Beyond_loopback_outside_production_it_warns_and_starts()
    {
        var log = new Lines();
        new ClusterTlsAtStart(new ClusterTlsOptions(), null, production: false, Endpoints(IPAddress.Parse("10.1.2.3")), log).Check();
        var (level, text) = Assert.Single(log.Logged);
        Assert.Equal(LogLevel.Warning, level);
        Assert.StartsWith("Orleans:Tls:Enabled is false, and this silo listens on or advertises 10.1.2.3:11111, 10.1.2.3:30000, which is not loopback", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listening_endpoint_beyond_loopback_counts_and_is_refused_in_production_unless_not_required()
    {
        var endpoints = Endpoints(IPAddress.Loopback, new IPEndPoint(IPAddress.Any, 30000));
        var error = Assert.Throws<OptionsValidationException>(() =>
            new ClusterTlsAtStart(new ClusterTlsOptions(), null, production: true, endpoints, new Lines()).Check());
        Assert.Contains("0.0.0.0:30000", Assert.Single(error.Failures), StringComparison.Ordinal);

        var log = new Lines();
        new ClusterTlsAtStart(new ClusterTlsOptions { Required = false }, null, production: true, endpoints, log).Check();
        Assert.Equal(LogLevel.Warning, Assert.Single(log.Logged).Level);
    }
}
