using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Service;

namespace CustomerGrains.Host.Api;

/// <summary>
/// The floors of the engine's latency: <c>GET /api/ping</c> (an empty HTTP endpoint) and
/// <c>GET /api/ping/grain</c> (an empty grain call behind the same HTTP endpoint), both answering 204; and the
/// delivery backlog for operators and load testers (<c>GET /api/diagnostics/delivery</c>).
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
        api.MapGet("/diagnostics/delivery", DeliveryAsync)
            .RequireAuthorization(Agents.Access.Maintain)
            .WithName("DeliveryBacklog")
            .WithSummary("How far the delivery of appended events to the customers is behind, per log partition (as of each partition's checkpoint): after a seed or backfill, zero means every event has reached its customer")
            .Produces<DeliveryBacklog>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> DeliveryAsync(DeliveryBacklogMonitor backlog, CancellationToken cancellationToken) =>
        Results.Ok(await backlog.ReadAsync(cancellationToken));

    private static async Task<IResult> PingGrainAsync(IGrainFactory grains)
    {
        await grains.Reference<IPingGrain>(0).PingAsync();
        return Results.NoContent();
    }
}
