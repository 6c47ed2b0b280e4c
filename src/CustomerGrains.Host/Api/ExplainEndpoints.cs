using System.Globalization;
using System.Security.Claims;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>
/// <c>GET /api/customers/{id}/explain</c>: the inputs and the rule behind each part of what the engine says of a customer,
/// now or replayed to a past moment; <c>GET /api/customers/{id}/timeline</c>: the customer's events and the transitions
/// they caused. Read by whoever may read the customer's snapshot.
/// </summary>
internal static class ExplainEndpoints
{
    public static RouteGroupBuilder MapExplainEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers/{id}/explain", ExplainAsync)
            .RequireAuthorization(Access.ReadCustomers)
            .WithName("ExplainCustomer")
            .WithSummary("Why the engine says what it says of a customer: tier, stage, service, marketing mode, selection quadrant and each action, with their inputs and rules")
            .WithDescription("asOf (not later than now) explains a past moment: the customer's log is replayed up to it (the events that occurred by " +
                             "then) and judged with the value model, population and policy in force now (versionsNote says so). channel and reason " +
                             "are those of a decision (default phone).")
            .Produces<Explanation>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/customers/{id}/timeline", GetTimelineAsync)
            .RequireAuthorization(Access.ReadCustomers)
            .WithName("GetCustomerTimeline")
            .WithSummary("The customer's events in log order, each with the tier, stage, marketing mode and selection quadrant changes it caused")
            .WithDescription($"Paged: limit (1..{TimelineQuery.MaxLimit}, default {TimelineQuery.DefaultLimit}) events after cursor (the nextCursor of " +
                             "the page before; 0 or none for the first). byTime lists what time alone changed since the event before, noticed at the " +
                             "event's moment; sinceLastEvent, on the last page, what it changed from the last event to now.")
            .Produces<Timeline>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> ExplainAsync(
        string id, string? channel, string? reason, string? asOf, GrainReads reads, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (at, problem) = DecisionEndpoints.ParseQuery(channel, asOf);
        if (problem is not null)
        {
            return problem;
        }
        var query = new ExplainQuery { Channel = channel ?? "phone", Reason = reason, AsOf = at };
        try
        {
            var explanation = await reads.ReadAsync(grains => grains.Customer(id).ExplainAsync(query), cancellationToken);
            if (explanation is null)
            {
                return at is { } moment
                    ? Problems.NotFound("Unknown customer", $"No interaction of customer '{id}' that occurred by {moment:O} has been applied.")
                    : Problems.UnknownCustomer(id);
            }
            await auditing.RecordAsync(user, [id], "explain", at is { } then ? $"asOf {then:O}" : null, cancellationToken);
            return Results.Ok(explanation);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return Problems.BadRequest("asOf is in the future", Message(ex));
        }
        catch (ArgumentException ex)
        {
            return Problems.InvalidRead(ex);
        }
    }

    private static async Task<IResult> GetTimelineAsync(
        string id, string? cursor, string? limit, GrainReads reads, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = new List<string>(2);
        var after = Whole(cursor, "cursor", 0, problems);
        var count = Whole(limit, "limit", TimelineQuery.DefaultLimit, problems);
        var query = new TimelineQuery { After = after, Limit = (int)Math.Clamp(count, int.MinValue, int.MaxValue) };
        problems.AddRange(query.Problems());
        if (problems.Count > 0)
        {
            return Problems.InvalidQuery("The timeline query is invalid", problems);
        }
        var timeline = await reads.ReadAsync(grains => grains.Customer(id).GetTimelineAsync(query), cancellationToken);
        if (timeline is null)
        {
            return Problems.UnknownCustomer(id);
        }
        await auditing.RecordAsync(user, [id], "timeline", $"cursor {after}, limit {query.Limit}", cancellationToken);
        return Results.Ok(timeline);
    }

    /// <summary>A whole number of the query string, <paramref name="fallback"/> when absent; a problem is added when it is not one.</summary>
    private static long Whole(string? text, string field, long fallback, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        problems.Add($"{field}: '{text}' is not a whole number");
        return fallback;
    }

    private static string Message(ArgumentException ex) => ex.Message.Split(" (Parameter", 2)[0];
}
