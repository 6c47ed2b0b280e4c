using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Claims;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.ScreenPop;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Api;

namespace CustomerGrains.Host.ScreenPop;

/// <summary>The screen-pop: lookup by the caller's number, the CTI ring that pushes the card to the agent's desktop, and the audit trail.</summary>
internal static class ScreenPopEndpoints
{
    private const int MaxAuditPage = 500;
    private const int MaxCallFieldLength = 128;

    public static RouteGroupBuilder MapScreenPopEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/screenpop", LookupAsync)
            .RequireAuthorization(Access.ScreenPop)
            .WithName("ScreenPop")
            .WithSummary("Every customer the caller's number (any common format) belongs to, most valuable first: compact cards (who, value, stage, what to do now, open complaints, latest interactions), or with view=full each full card with the whole decision for a phone contact")
            .Produces<CompactScreenPopResponse>()
            .Produces<ScreenPopResponse>(StatusCodes.Status200OK, "application/json; view=full")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/calls", RingAsync)
            .RequireAuthorization(Roles.AnnouncesCalls)
            .WithName("CallRinging")
            .WithSummary("A ringing call from the telephony system: resolves the caller's number and pushes the cards to the agent's open desktops")
            .Produces<CallResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden);
        api.MapPost("/calls/{callId}/answer", AnswerCallAsync)
            .RequireAuthorization(Roles.AnnouncesCalls)
            .WithName("CallAnswered")
            .WithSummary("The agent picked up: marks the agent's open call answered and tells the agent's open desktops (the call shows as on call instead of ringing)")
            .Produces<CallEndResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden);
        api.MapPost("/calls/{callId}/end", EndCallAsync)
            .RequireAuthorization(Roles.AnnouncesCalls)
            .WithName("CallEnded")
            .WithSummary("The telephony system hung up: ends that open call of the agent (other calls stay queued) and tells the agent's open desktops")
            .Produces<CallEndResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden);
        api.MapGet("/audit", ReadAuditAsync)
            .RequireAuthorization(Roles.Supervises)
            .WithName("AuditTrail")
            .WithSummary("Who looked at which customer, when and through which path; newest first (supervisors and privacy services)")
            .Produces<AuditPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden);
        return api;
    }

    private static async Task<IResult> LookupAsync(
        string? ani, string? view, ScreenPopService screenPop, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var full = view switch
        {
            null or "compact" => false,
            "full" => true,
            _ => (bool?)null,
        };
        if (full is null)
        {
            return Problems.BadRequest("view is unknown", $"view '{view}' is not a view of the screen-pop; expected compact (the default) or full.");
        }
        var parsed = screenPop.PhoneNumbers.Normalize(ani);
        if (parsed.E164 is not { } e164)
        {
            return Problems.BadRequest("ani is not a phone number", $"ani '{ani}' {parsed.Error}.");
        }
        var (id, role) = user.Caller();
        var detail = $"ani {e164}";
        if (full.Value)
        {
            var cards = await screenPop.CardsAsync(e164, cancellationToken);
            await auditing.RecordAsync(id, role, cards.Select(c => c.Customer.CustomerId), "screenpop", detail, cancellationToken);
            EngineMetrics.RecordRead(ReadPaths.ScreenPopFull, started);
            return Results.Ok(new ScreenPopResponse(ani!, e164, [.. cards.Select(c => ScreenPopService.MaskFor(role, c))]));
        }
        var compact = await screenPop.CompactCardsAsync(e164, cancellationToken);
        await auditing.RecordAsync(id, role, compact.Select(c => c.CustomerId), "screenpop", detail, cancellationToken);
        EngineMetrics.RecordRead(ReadPaths.ScreenPop, started);
        return ScreenPopJson.Answer(ani!, e164, compact, mask: role != Roles.Supervisor);
    }

    private static async Task<IResult> RingAsync(
        CallRequest request, ScreenPopService screenPop, Auditing auditing, IGrainFactory grains, AgentDirectory agents, TimeProvider time,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.CallId))
        {
            problems.Add("callId: is required");
        }
        else if (request.CallId.Length > MaxCallFieldLength || request.CallId.Any(char.IsControl))
        {
            problems.Add($"callId: must be at most {MaxCallFieldLength} characters without control characters");
        }
        if (request.Dnis is { } dnis && (dnis.Length > MaxCallFieldLength || dnis.Any(char.IsControl)))
        {
            problems.Add($"dnis: must be at most {MaxCallFieldLength} characters without control characters");
        }
        var desktopUser = agents.FindDesktopUser(request.AgentId);
        if (string.IsNullOrWhiteSpace(request.AgentId))
        {
            problems.Add("agentId: is required");
        }
        else if (desktopUser is null)
        {
            problems.Add($"agentId: '{Shortened(request.AgentId)}' is not a configured agent or supervisor");
        }
        var parsed = screenPop.PhoneNumbers.Normalize(request.Ani);
        if (parsed.Error is { } error)
        {
            problems.Add($"ani: '{request.Ani}' {error}");
        }
        if (problems.Count > 0)
        {
            return Problems.BadRequest("The call is invalid; nothing was pushed", string.Join("; ", problems));
        }

        var agentId = desktopUser!.Id;
        var cards = await screenPop.CardsAsync(parsed.E164!, cancellationToken);
        var (caller, role) = user.Caller();
        await auditing.RecordAsync(caller, role, cards.Select(c => c.Customer.CustomerId), "ring", $"call {request.CallId} from {parsed.E164} for agent {agentId}", cancellationToken);
        var call = new CallPush
        {
            CallId = request.CallId!, Ani = request.Ani!, E164 = parsed.E164!, Dnis = request.Dnis, AgentId = agentId,
            RangAt = time.GetUtcNow(), Cards = cards,
        };
        var desktops = await grains.Reference<IAgentGrain>(agentId).RingAsync(call);
        // The telephony system reads nothing: it learns what was pushed and where, not the cards themselves.
        return Results.Ok(new CallResponse(call.CallId, agentId, call.Ani, call.E164, desktops, cards.Length));
    }

    private static Task<IResult> AnswerCallAsync(string callId, CallEndRequest request, IGrainFactory grains, AgentDirectory agents) =>
        ChangeCallAsync(callId, request, "answer", agents, agent => grains.Reference<IAgentGrain>(agent).AnswerCallAsync(callId));

    private static Task<IResult> EndCallAsync(string callId, CallEndRequest request, IGrainFactory grains, AgentDirectory agents) =>
        ChangeCallAsync(callId, request, "hang-up", agents, agent => grains.Reference<IAgentGrain>(agent).EndCallAsync(callId));

    /// <summary>An answer or hang-up for one of the agent's open calls: 400 for an unknown agent, 404 for a call that is not open.</summary>
    private static async Task<IResult> ChangeCallAsync(string callId, CallEndRequest request, string what, AgentDirectory agents, Func<string, Task<int?>> change)
    {
        if (agents.FindDesktopUser(request.AgentId) is not { } agent)
        {
            return Problems.BadRequest($"The {what} is invalid; nothing was changed",
                $"agentId: '{Shortened(request.AgentId ?? "")}' is not a configured agent or supervisor");
        }
        return await change(agent.Id) is { } desktops
            ? Results.Ok(new CallEndResponse(callId, agent.Id, desktops))
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such call",
                detail: $"Call '{Shortened(callId)}' is not an open call of {agent.Id} (it ended already, or never rang).");
    }

    private static string Shortened(string text) => text.Length > MaxCallFieldLength ? text[..MaxCallFieldLength] + "…" : text;

    private static async Task<IResult> ReadAuditAsync(
        string? customerId, long? before, int? limit, IAuditTrail audit, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var max = limit ?? 100;
        if (max is < 1 or > MaxAuditPage)
        {
            return Problems.BadRequest("limit is out of range", $"limit must be between 1 and {MaxAuditPage} (was {max}).");
        }
        var whose = string.IsNullOrWhiteSpace(customerId) ? null : customerId;
        var entries = await audit.ReadAsync(whose, before, max, cancellationToken);
        // Reading the trail is itself recorded, after the page was read (a page never shows its own reading).
        var (actor, role) = user.Caller();
        await auditing.RecordAsync(actor, role, [whose ?? ""], "audit-read", $"limit {max}" + (before is { } b ? $", before {b}" : ""), cancellationToken);
        return Results.Ok(new AuditPage(entries, entries.Count == max ? entries[^1].Id : null));
    }
}

/// <summary>The customers of a number (E.164), most valuable first; empty when the number is unknown.</summary>
public sealed record ScreenPopResponse(string Ani, string E164, ImmutableArray<CustomerCard> Customers);

/// <summary>What the telephony system sends when a call rings: its call id, the caller's number (ANI), the number dialled (DNIS) and the agent.</summary>
public sealed record CallRequest(string? CallId, string? Ani, string? Dnis, string? AgentId);

/// <summary>What was pushed: the call, how many customer cards it carried and how many of the agent's open desktops got them (no card data: the caller is the telephony system).</summary>
public sealed record CallResponse(string CallId, string AgentId, string Ani, string E164, int Desktops, int Cards);

/// <summary>A page of the audit trail, newest first; <c>next</c> is the <c>before</c> of the following page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);

/// <summary>The body of <c>POST /api/calls/{callId}/answer</c> and <c>/end</c>: whose call was answered or ended.</summary>
public sealed record CallEndRequest(string? AgentId);

/// <summary>What an answer or hang-up did: which call of which agent changed, and how many open desktops were told.</summary>
public sealed record CallEndResponse(string CallId, string AgentId, int Desktops);
