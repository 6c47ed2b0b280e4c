using System.Text.Json;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary><c>POST /api/interactions</c>: validate a batch whole, append it durably, then acknowledge.</summary>
internal static class InteractionEndpoints
{
    public static RouteGroupBuilder MapInteractionEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/interactions", IngestAsync)
            .RequireAuthorization(Access.WriteInteractions)
            .WithName("IngestInteractions")
            .WithSummary("Accepts a batch of interaction events")
            .WithDescription("Every event is validated; one bad event rejects the whole batch (400, each problem named by index and field). " +
                             "A valid batch is appended to the interaction log in one durable write and only then answered 202 with the " +
                             "accepted event ids. Events already in the log (same eventId) are reported as duplicates and not applied again. " +
                             "With backfill=true (history being imported, as the import command sends it) the batch gives way to live traffic: " +
                             "while the engine uses more than Ingest:BackfillCpuLimit of the machine's cores it is answered 503 with Retry-After, " +
                             "nothing of it appended.")
            .Accepts<IngestDocument>("application/json")
            .TakesBody(BodyKind.Events)
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static Task<IResult> IngestAsync(HttpRequest request, IngestService ingest, CancellationToken cancellationToken, bool backfill = false) =>
        ingest.IngestBatchAsync(request, backfill, cancellationToken);
}

/// <summary>The body of <c>POST /api/interactions</c>: events in their flat JSON form with a <c>type</c>.</summary>
public sealed record IngestRequest(IReadOnlyList<JsonElement> Events);

/// <summary>
/// The body of <c>POST /api/interactions</c> as the OpenAPI document describes it: the events as a union discriminated by
/// <c>type</c>, each with its fields and their limits. The endpoint reads the body itself (<see cref="IngestRequest"/>), so
/// that every problem of every event is reported, by index and field.
/// </summary>
public sealed record IngestDocument(IReadOnlyList<Domain.Events.InteractionEvent> Events);

/// <summary>Which events are now in the log (<c>accepted</c>) and which were there already (<c>duplicates</c>).</summary>
public sealed record IngestResponse(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates);
