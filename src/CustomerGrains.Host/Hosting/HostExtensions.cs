using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Api;
using CustomerGrains.Host.ScreenPop;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace CustomerGrains.Host.Hosting;

/// <summary>The wiring of the executable: silo, HTTP API, health and OpenAPI.</summary>
public static class HostExtensions
{
    public static WebApplicationBuilder AddCustomerGrainsHost(this WebApplicationBuilder builder)
    {
        builder.AddCustomerGrainsSilo();
        var services = builder.Services;
        services.AddValidatedOptions<IngestOptions>(builder.Configuration, IngestOptions.Section);
        services.AddAgentAuthentication(builder.Configuration);
        services.AddValidatedOptions<ReadOptions>(builder.Configuration, ReadOptions.Section);
        services.AddSingleton<GrainReads>();
        services.AddSingleton<Auditing>();
        services.AddSingleton<ScreenPopService>();
        services.AddSingleton<ScreenPopJson>();
        services.AddValidatedOptions<RequestOptions>(builder.Configuration, RequestOptions.Section);
        services.AddExceptionHandler<SiloLossExceptionHandler>();
        services.AddExceptionHandler<RequestBodies.BadRequestHandler>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDisclosure.Customize);
        services.AddOpenApi();
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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAgentDesktop();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestBodyLimits();
        // Public: the OpenAPI document, health, the sign-in endpoint and the agent page (static files, served above).
        // Every other endpoint names its policy (Agents/Access.cs); one that names none needs a signed-in caller.
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();

        var api = app.MapGroup("/api");
        api.MapAuthEndpoints();
        api.MapScreenPopEndpoints();
        api.MapAgentDesktopEndpoints();
        api.MapNoteEndpoints();
        api.MapInteractionEndpoints();
        api.MapCustomerEndpoints();
        api.MapDecisionEndpoints();
        api.MapPolicyEndpoints();
        api.MapAlertEndpoints();
        api.MapDiagnosticsEndpoints();
        return app;
    }
}
