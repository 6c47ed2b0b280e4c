using System.Globalization;
using System.Security.Claims;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary><c>GET /api/changes</c>: the change feed, read from a durable position, waiting for the next change when asked to (long poll).</summary>
internal static class ChangeEndpoints
{
    private static readonly string[] Parameters = ["after", "limit", "wait"];

    public static RouteGroupBuilder MapChangeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/changes", ReadAsync)
            .RequireAuthorization(Access.ReadChanges)
            .WithName("GetChanges")
            .WithSummary("Changes of tier, stage, marketing mode, selection quadrant and saved-segment membership, and lifecycle alerts, oldest first; resume with after=<next>")
            .WithDescription($"after is the position of the last change seen (0 for the start); limit 1 to {ChangeFeedLimits.MaxLimit} (default " +
                             $"{ChangeFeedLimits.DefaultLimit}); wait 0 to {ChangeFeedLimits.MaxWaitSeconds} seconds to hold the request until a change " +
                             "comes (long poll; an empty page when none came). Each change is published once, at a position greater than every " +
                             "earlier one; a reader that passes next as after misses nothing and sees nothing twice. A bad parameter is answered 400 naming it.")
            .Produces<ChangePage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<IResult> ReadAsync(
        HttpRequest request, CustomerChangeFeed feed, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = SegmentEndpoints.UnknownParameters(request.Query, Parameters);
        var after = WholeNumber(request.Query, "after", "a position: 0 or the next of the previous page", problems) ?? 0;
        // A count beyond int's range is as out of range as the limits say: clamped, it is refused by them.
        var limit = Count(WholeNumber(request.Query, "limit", $"1 to {ChangeFeedLimits.MaxLimit}", problems));
        var wait = Count(WholeNumber(request.Query, "wait", $"0 to {ChangeFeedLimits.MaxWaitSeconds} seconds", problems));
        if (problems.Count == 0)
        {
            var answer = await feed.ReadAsync(after, limit, wait, cancellationToken);
            if (answer.Page is { } page)
            {
                // Whose changes were seen: one entry per customer on the page.
                await auditing.RecordAsync(user, page.Changes.Select(c => c.CustomerId).Distinct(StringComparer.Ordinal), "changes", $"after {after}", cancellationToken);
                return Results.Ok(page);
            }
            problems.AddRange(answer.Problems);
        }
        return Problems.InvalidQuery("The change feed's parameters are invalid; nothing was read", problems);
    }

    private static int? Count(long? value) => value is { } v ? (int)Math.Clamp(v, int.MinValue, int.MaxValue) : null;

    private static long? WholeNumber(IQueryCollection query, string name, string expected, List<string> problems)
    {
        if (query[name].FirstOrDefault() is not { } text)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        problems.Add($"{name}: '{text}' is not a whole number; give {expected}");
        return null;
    }
}
