using System.Security.Claims;
using CustomerGrains.Domain.Events;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Api;

namespace CustomerGrains.Host.ScreenPop;

/// <summary><c>POST /api/customers/{id}/notes</c>: an agent's note about the customer, through the interaction log like every other fact.</summary>
internal static class NoteEndpoints
{
    public static RouteGroupBuilder MapNoteEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/customers/{id}/notes", AddNoteAsync)
            .RequireAuthorization(Roles.ServesCustomers)
            .WithName("AddNote")
            .WithSummary("Records a note of the signed-in agent about the customer; it shows with the latest interactions")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static Task<IResult> AddNoteAsync(string id, NoteRequest request, ClaimsPrincipal user, IngestService ingest, CancellationToken cancellationToken)
    {
        var note = new NoteAdded
        {
            EventId = $"note-{Guid.NewGuid():N}",
            CustomerId = id,
            OccurredAt = ingest.Now,
            Source = "agent-desktop",
            Text = request.Text?.Trim() ?? "",
            AgentId = user.Caller().Id,
        };
        return ingest.RecordAsync(note, "The note is invalid", [], cancellationToken);
    }
}

/// <summary>The body of <c>POST /api/customers/{id}/notes</c>.</summary>
public sealed record NoteRequest(string? Text);
