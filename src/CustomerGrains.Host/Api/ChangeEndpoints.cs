using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Host.Agents;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>
/// <c>GET /api/changes</c>: the change feed, read from a durable position, waiting for the next change when asked to (long
/// poll); <c>GET /api/changes/stream</c>: the same feed as server-sent events, resumed from <c>Last-Event-ID</c>.
/// </summary>
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
        api.MapGet("/changes/stream", StreamAsync)
            .RequireAuthorization(Access.ReadChanges)
            .WithName("StreamChanges")
            .WithSummary("The change feed as server-sent events (text/event-stream): one 'change' event per change, its position as the event id")
            .WithDescription("Starts after the Last-Event-ID header (what an EventSource sends when it reconnects) or else after the after parameter " +
                             "(0: from the start). A comment line is sent when a minute passes without a change. A bad position is answered 400.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task StreamAsync(
        HttpContext context, CustomerChangeFeed feed, Auditing auditing, ClaimsPrincipal user, IOptions<JsonOptions> json,
        IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        var request = context.Request;
        var problems = SegmentEndpoints.UnknownParameters(request.Query, ["after"]);
        // A reconnecting EventSource says where it was; that wins over the position the first request asked for.
        var after = request.Headers["Last-Event-ID"].FirstOrDefault() is { } lastEventId
            ? WholeNumber(lastEventId, "Last-Event-ID", "the id of the last event received", problems)
            : WholeNumber(request.Query["after"].FirstOrDefault(), "after", "a position: 0 or the id of the last event received", problems);
        problems.AddRange(ChangeFeedLimits.Problems(after ?? 0, null));
        if (problems.Count > 0)
        {
            await Problems.InvalidQuery("The change stream's parameters are invalid; nothing was read", problems).ExecuteAsync(context);
            return;
        }
        // The stream ends when the client goes or the host stops (else a stop would wait for every open stream).
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var cancellationToken = ending.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var position = after ?? 0;
        try
        {
            // The headers go now: a client learns the stream is open before the first change comes.
            await response.WriteAsync(": open\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                var page = (await feed.ReadAsync(position, ChangeFeedLimits.MaxLimit, ChangeFeedLimits.MaxWaitSeconds, cancellationToken)).Page!;
                await auditing.RecordAsync(user, page.Changes.Select(c => c.CustomerId).Distinct(StringComparer.Ordinal), "changes", $"stream after {position}", cancellationToken);
                foreach (var change in page.Changes)
                {
                    await response.WriteAsync(
                        $"id: {change.Position.ToString(CultureInfo.InvariantCulture)}\nevent: change\ndata: {JsonSerializer.Serialize(change, json.Value.SerializerOptions)}\n\n",
                        cancellationToken);
                }
                if (page.Changes.Length == 0)
                {
                    await response.WriteAsync(": no change\n\n", cancellationToken);
                }
                await response.Body.FlushAsync(cancellationToken);
                position = page.Next;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went or the host is stopping: the stream ends here; the client resumes from its last event id.
        }
    }

    private static async Task<IResult> ReadAsync(
        HttpRequest request, CustomerChangeFeed feed, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = SegmentEndpoints.UnknownParameters(request.Query, Parameters);
        var query = request.Query;
        var after = WholeNumber(query["after"].FirstOrDefault(), "after", "a position: 0 or the next of the previous page", problems) ?? 0;
        // A count beyond int's range is as out of range as the limits say: clamped, it is refused by them.
        var limit = Count(WholeNumber(query["limit"].FirstOrDefault(), "limit", $"1 to {ChangeFeedLimits.MaxLimit}", problems));
        var wait = Count(WholeNumber(query["wait"].FirstOrDefault(), "wait", $"0 to {ChangeFeedLimits.MaxWaitSeconds} seconds", problems));
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

    private static long? WholeNumber(string? text, string name, string expected, List<string> problems)
    {
        if (text is null)
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
