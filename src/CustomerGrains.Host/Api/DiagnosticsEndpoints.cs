using CustomerGrains.Abstractions;

namespace CustomerGrains.Host.Api;

/// <summary>
/// The floors of the engine's latency: <c>GET /api/ping</c> (an empty HTTP endpoint) and
/// <c>GET /api/ping/grain</c> (an empty grain call behind the same HTTP endpoint), both answering 204.
/// </summary>
internal static class DiagnosticsEndpoints
{
    public static RouteGroupBuilder MapDiagnosticsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/ping", () => Results.NoContent())
            .WithName("Ping")
            .WithSummary("Answers 204 at once: the HTTP floor")
            .Produces(StatusCodes.Status204NoContent);
        api.MapGet("/ping/grain", PingGrainAsync)
            .WithName("PingGrain")
            .WithSummary("Calls an empty grain, then answers 204: the grain-call floor")
            .Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static async Task<IResult> PingGrainAsync(IGrainFactory grains)
    {
        await grains.GetGrain<IPingGrain>(0).PingAsync();
        return Results.NoContent();
    }
}
