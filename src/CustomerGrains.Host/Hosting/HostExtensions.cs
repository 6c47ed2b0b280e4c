using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Service;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Api;
using CustomerGrains.Host.ScreenPop;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace CustomerGrains.Host.Hosting;

/// <summary>The wiring of the executable: silo, HTTP API, health and OpenAPI.</summary>
public static class HostExtensions
{
    /// <summary>The setting that names one more JSON configuration file, followed while the host runs (e.g. the users).</summary>
    public const string ConfigFileSetting = "ConfigFile";

    public static WebApplicationBuilder AddCustomerGrainsHost(this WebApplicationBuilder builder)
    {
        AddConfigFile(builder.Configuration);
        builder.AddCustomerGrainsSilo();
        builder.AddCustomerGrainsTelemetry();
        builder.AddCustomerGrainsDashboard();
        builder.AddCustomerGrainsLogs();
        var services = builder.Services;
        services.AddValidatedOptions<IngestOptions>(builder.Configuration, IngestOptions.Section);
        services.AddValidatedOptions<MoneyOptions>(builder.Configuration, MoneyOptions.Section);
        services.AddAgentAuthentication(builder.Configuration);
        services.AddValidatedOptions<ReadOptions>(builder.Configuration, ReadOptions.Section);
        services.AddSingleton<GrainReads>();
        services.AddSingleton<DeliveryBacklogMonitor>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<IngestService>();
        // Made now, so that its first reading covers the start (real CPU time is measured against the real clock).
        services.AddSingleton(new ProcessLoad(TimeProvider.System));
        services.AddSingleton<Auditing>();
        services.AddSingleton<ScreenPopService>();
        services.AddValidatedOptions<RequestOptions>(builder.Configuration, RequestOptions.Section);
        services.AddValidatedOptions<ProxyOptions>(builder.Configuration, ProxyOptions.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) => proxy.Value.ApplyTo(forwarded));
        services.AddOptions<HstsOptions>().Configure<IOptions<ProxyOptions>>((hsts, proxy) => hsts.MaxAge = proxy.Value.HstsMaxAge);
        services.AddExceptionHandler<SiloLossExceptionHandler>();
        services.AddExceptionHandler<RequestBodies.BadRequestHandler>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDisclosure.Customize);
        services.AddCustomerGrainsOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddHealthChecks()
            .AddCheck<SiloReadyCheck>("silo", tags: ["ready"])
            .AddCheck<InteractionLogReadyCheck>("interaction-log", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapCustomerGrainsEndpoints(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Enabled)
        {
            app.UseForwardedHeaders();
        }
        // Only responses over HTTPS (direct, or through a trusted proxy) carry it; never for localhost.
        app.UseHsts();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAgentDesktop();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestBodyLimits();
        // Public: the OpenAPI document, health, the sign-in endpoint and the agent page (static files, served above).
        // Every other endpoint names its policy (Agents/Access.cs); one that names none needs a signed-in caller.
        app.MapOpenApi().AllowAnonymous();
        // The interactive reference of the same document, for signed-in callers (its assets are served by the host).
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("CustomerGrains API"))
            .RequireAuthorization().ExcludeFromDescription();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapCustomerGrainsMetrics();
        app.MapCustomerGrainsDashboard();

        // Each endpoint under /api declares, so that the OpenAPI document (docs/openapi.json) can generate clients:
        //   .RequireAuthorization(Access.X) or .AllowAnonymous()  - who may call it (none named: any signed-in caller);
        //   .WithName("Verb") and .WithSummary("...")            - the operation id and what it does;
        //   .Accepts<TBody>("application/json") + .TakesBody(kind) - a body a handler reads itself (413/415 are added);
        //   .ReadsQuery(parameters)                              - query parameters a handler reads itself;
        //   .Produces<TResult>(status)                           - every success answer, with its type;
        //   .ProducesProblem(400 / 404 / 409 / 503)              - the errors the handler itself answers.
        // OpenApiDocs adds the rest: the sign-in schemes with 401 and 403, 400 where there is a body or a query parameter,
        // and problem+json on every error. Then regenerate the document (README, "API docs"):
        //   dotnet run --project src/CustomerGrains.Host -- openapi --out "$PWD/docs/openapi.json"
        // OpenApiTests fails while the committed document differs from the one the code makes, or misses an endpoint.
        var api = app.MapGroup("/api");
        api.MapAuthEndpoints();
        api.MapScreenPopEndpoints();
        api.MapAgentDesktopEndpoints();
        api.MapNoteEndpoints();
        api.MapInteractionEndpoints();
        api.MapCustomerEndpoints();
        api.MapSegmentEndpoints();
        api.MapPrivacyEndpoints();
        api.MapDecisionEndpoints();
        api.MapExplainEndpoints();
        api.MapPolicyEndpoints();
        api.MapAlertEndpoints();
        api.MapChangeEndpoints();
        api.MapPopulationEndpoints();
        api.MapValueModelEndpoints();
        api.MapDiagnosticsEndpoints();
        return app;
    }

    /// <summary>
    /// Adds the JSON file named by <see cref="ConfigFileSetting"/> (e.g. a mounted secret with the users), reloaded when
    /// it changes, below the command line and environment so those still override it.
    /// </summary>
    private static void AddConfigFile(ConfigurationManager configuration)
    {
        if (configuration[ConfigFileSetting] is not { Length: > 0 } file)
        {
            return;
        }
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{ConfigFileSetting}: the configuration file {path} does not exist.");
        }
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        // Right after the appsettings files (and user secrets): above them, below environment variables and the command line.
        var at = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is FileConfigurationSource, (null!, -1)).Item2 + 1;
        var source = new JsonConfigurationSource { Path = Path.GetFileName(path), Optional = false, ReloadOnChange = true };
        source.FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!);
        sources.Insert(at, source);
    }
}
