using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Host.Agents;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CustomerGrains.Host.Hosting;

/// <summary>
/// Metrics and traces through OpenTelemetry: the engine's meter, Orleans', ASP.NET Core's, .NET's runtime (GC, threads)
/// and Npgsql's; spans of HTTP requests, Orleans grain calls (activity propagation) and Npgsql commands. Metrics are
/// scraped at <c>/metrics</c> (Prometheus text; loopback, admin or service <c>maintenance</c>), and both are exported
/// by OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting names a collector; spans are recorded only then.
/// </summary>
public static class Telemetry
{
    /// <summary>The service name of the resource (overridden by the standard <c>OTEL_SERVICE_NAME</c>).</summary>
    public const string ServiceName = "customergrains";

    /// <summary>The standard OpenTelemetry setting that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Where Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' meter and activity sources (its runtime and the application's grain calls).</summary>
    public static readonly string[] OrleansMeters = ["Microsoft.Orleans"];
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static WebApplicationBuilder AddCustomerGrainsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryLagGauges>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(EngineMetrics.MeterName, "System.Runtime")
                .AddNpgsqlInstrumentation()
                .AddMeter(OrleansMeters)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        // Spans are recorded only when a collector takes them: without one, a span for every request and grain call
        // would be made and dropped on the read path. (Another listener, a profiler or a test, still gets the requests'
        // spans.) The grain calls' spans and their trace context are added by Orleans' call filters, which are installed
        // only then: without a collector they would make no span, yet put every grain call on Orleans' filtered path
        // (a state machine and an invoker more on each side of every call).
        if (builder.Configuration[OtlpEndpointSetting] is { Length: > 0 })
        {
            builder.UseOrleans(silo => silo.AddActivityPropagation());
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(EngineActivities.SourceName)
                    .AddSource(OrleansActivitySources)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperational(http.Request.Path))
                    .AddNpgsql())
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> and starts observing the delivery lag.</summary>
    public static WebApplication MapCustomerGrainsMetrics(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<DeliveryLagGauges>();
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Access.ReadMetrics);
        return app;
    }

    /// <summary>Scrapes and probes are not traced: they would drown the requests users make.</summary>
    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}
