using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>
/// The change feed over real HTTP (<c>GET /api/changes</c>), as a backend service follows it: a customer's changes from
/// ingested events, from time alone (the lifecycle sweep) and into and out of saved segments, each once and in order,
/// and a reader resuming from its last position. The SQLite host tests and the PostgreSQL cluster tests run the same checks.
/// </summary>
public sealed class ChangeFeedScenario(Uri baseAddress) : IDisposable
{
    private readonly ApiClient service = new(baseAddress);
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>One change as the feed answers it.</summary>
    public sealed record Change(long Position, string CustomerId, string Kind, string? From, string? To, string? Detail);

    /// <summary>
    /// A customer who bought monthly for a year and stopped 200 days ago: the events put them in a stage of their own; the
    /// sweep then moves them on by time alone (with an alert) into the saved segment of that stage; a purchase today wins
    /// them back out of it. Each step appears in the feed once, in order, and the chain of stages ends where the customer is.
    /// </summary>
    public async Task ChangesFromEventsTimeAndSegmentsAppearOnceInOrderAsync(TimeSpan? timeout = null)
    {
        // One segment per stage time can move a lapsed customer into: whichever it is, the customer enters its segment.
        var segments = new[] { "decline", "churned" }.ToDictionary(stage => stage, stage => $"feed-{stage}-{run}");
        foreach (var (stage, name) in segments)
        {
            var (saved, body) = await service.SendAsync(HttpMethod.Put, $"/api/segments/{name}",
                new JsonObject { ["filter"] = new JsonObject { ["stage"] = stage } }, cancellationToken: Token);
            Assert.True(saved == HttpStatusCode.Created, body.ToString());
        }
        var start = await EndAsync();

        var id = $"feed-{run}";
        var last = DateTimeOffset.UtcNow.AddDays(-200);
        await ExpectAcceptedAsync([.. Enumerable.Range(0, 13).Select(i => EventJson.Purchase($"{id}-{i}", id, last.AddDays(-30 * (12 - i)), 150m))]);
        // The snapshot is assessed as of now: the stage time alone has moved the customer to, not yet recorded.
        var byTime = (await service.WaitForAppliedEventsAsync(id, 13, timeout)).GetProperty("lifecycle").GetProperty("stage").GetString();
        var fromEvents = await WaitForAsync(start, id, c => c.Kind == "stage", $"the stage the events gave {id}", timeout);
        var applied = Assert.Single(fromEvents, c => c.Kind == "stage").To;
        Assert.NotEqual(byTime, applied);
        Assert.DoesNotContain(fromEvents, c => c.Kind == "segmentEntered");

        // Time alone: the sweep finds the customer lapsed; the alert and the new stage come after what the events did.
        var swept = await Eventually.UntilAsync(async () =>
            {
                await service.SendAsync(HttpMethod.Post, "/api/maintenance/lifecycle-sweep", new JsonObject(), DemoKeys.Admin, Token);
                return (await ReadAllAsync(start)).Where(c => c.CustomerId == id).ToList();
            },
            changes => changes.Any(c => c.Kind == "stage" && c.From == applied),
            $"the sweep to move {id} on from {applied}", timeout);
        var moved = swept.Single(c => c.Kind == "stage" && c.From == applied);
        var lapsed = moved.To!;
        Assert.Equal(byTime, lapsed);
        var alert = Assert.Single(swept, c => c.Kind == "alert");
        Assert.Equal((applied, lapsed), (alert.From, alert.To));
        Assert.StartsWith("stageChangedByTime: ", alert.Detail, StringComparison.Ordinal);
        Assert.True(alert.Position < moved.Position, "the alert is published before the stage it announces is recorded");
        var entered = Assert.Single(swept, c => c.Kind == "segmentEntered");
        Assert.Equal(segments[lapsed], entered.To);
        Assert.True(entered.Position > fromEvents.Max(c => c.Position));

        // A purchase today wins them back: a new stage, and out of the segment.
        await ExpectAcceptedAsync(EventJson.Purchase($"{id}-back", id, DateTimeOffset.UtcNow.AddMinutes(-1), 90m));
        var all = await WaitForAsync(start, id, c => c.Kind == "segmentLeft", $"{id} to leave {segments[lapsed]}", timeout);
        var left = Assert.Single(all, c => c.Kind == "segmentLeft");
        Assert.Equal(segments[lapsed], left.From);
        Assert.True(left.Position > entered.Position);

        // Once and in order: every stage and tier change starts where the previous one ended, and the chain ends where
        // the customer is now; nothing appears twice.
        var now = (await service.GetCustomerAsync(id)).Body;
        AssertChain(all, "stage", now.GetProperty("lifecycle").GetProperty("stage").GetString());
        AssertChain(all, "tier", now.GetProperty("value").GetProperty("tier").GetString());
        Assert.Equal(all.Count, all.Select(c => c.Position).Distinct().Count());
        Assert.Equal(all.Select(c => c.Position).Order(), all.Select(c => c.Position));
    }

    /// <summary>
    /// A reader that stops anywhere and comes back with its last position reads the same changes as one that never
    /// stopped: none missed, none repeated; a read that waits (long poll) is answered by the next change.
    /// </summary>
    public async Task AReaderResumingFromItsPositionMissesNothingAndRepeatsNothingAsync(TimeSpan? timeout = null)
    {
        var start = await EndAsync();
        var ids = Enumerable.Range(0, 3).Select(i => $"resume-{run}-{i}").ToList();
        await ExpectAcceptedAsync([.. ids.Select((id, i) => EventJson.Purchase($"{id}-1", id, DateTimeOffset.UtcNow.AddDays(-10 - i), 40m + i))]);
        await Eventually.UntilAsync(async () => (await ReadAllAsync(start)).Select(c => c.CustomerId).Intersect(ids).Count() == ids.Count,
            "every new customer in the feed", timeout);

        var whole = await ReadAllAsync(start);
        // Page by page, the reader "reconnecting" with the last position it handled each time.
        var resumed = new List<Change>();
        var after = start;
        while (true)
        {
            var page = await PageAsync($"/api/changes?after={after}&limit=2");
            if (page.Changes.Count == 0)
            {
                break;
            }
            resumed.AddRange(page.Changes);
            Assert.Equal(page.Changes[^1].Position, page.Next);
            after = page.Next;
        }
        Assert.Equal(whole.Take(resumed.Count), resumed);
        Assert.True(resumed.Count >= whole.Count, "resuming reads at least every change the whole read saw");
        Assert.Equal(resumed.Count, resumed.Select(c => c.Position).Distinct().Count());

        // Long poll: a read waiting after the end is answered by the next change.
        var end = await EndAsync();
        var waiting = PageAsync($"/api/changes?after={end}&wait=30");
        var late = $"late-{run}";
        await ExpectAcceptedAsync(EventJson.Purchase($"{late}-1", late, DateTimeOffset.UtcNow.AddDays(-1), 25m));
        var answered = await waiting;
        Assert.NotEmpty(answered.Changes);
        Assert.All(answered.Changes, c => Assert.True(c.Position > end));
        Assert.Equal(answered.Changes, (await ReadAllAsync(end)).Take(answered.Changes.Count));
    }

    /// <summary>
    /// The stream (server-sent events) sends each change with its position as the event id; a client that reconnects with
    /// <c>Last-Event-ID</c> goes on with the change after it, as the feed read page by page has them.
    /// </summary>
    public async Task TheStreamResumesAfterTheLastEventIdAsync(TimeSpan? timeout = null)
    {
        var start = await EndAsync();
        var id = $"stream-{run}";
        await ExpectAcceptedAsync(EventJson.Purchase($"{id}-1", id, DateTimeOffset.UtcNow.AddDays(-3), 60m));
        // A first row brings at least tier and stage.
        await WaitForAsync(start, id, c => c.Kind == "stage", $"{id}'s first changes", timeout);
        var feed = await ReadAllAsync(start);

        var first = await ReadEventsAsync($"/api/changes/stream?after={start}", null, 2);
        Assert.Equal(feed.Take(2).Select(c => c.Position), first.Select(e => e.Id));
        Assert.Equal(feed[0].Kind, first[0].Data.GetProperty("kind").GetString());
        // Reconnecting as an EventSource does: the header wins over the first request's after.
        var resumed = await ReadEventsAsync($"/api/changes/stream?after={start}", first[^1].Id, 1);
        Assert.Equal(feed[2].Position, Assert.Single(resumed).Id);

        var (status, problem) = await service.SendAsync(HttpMethod.Get, "/api/changes/stream?after=-5", cancellationToken: Token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["after"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    /// <summary>Opens the stream at <paramref name="path"/> and reads its first <paramref name="count"/> events, then closes it.</summary>
    private async Task<List<(long Id, JsonElement Data)>> ReadEventsAsync(string path, long? lastEventId, int count)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(Token);
        reading.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var response = await service.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, reading.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(reading.Token));
        var events = new List<(long Id, JsonElement Data)>();
        long? id = null;
        while (events.Count < count && await reader.ReadLineAsync(reading.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((id!.Value, JsonDocument.Parse(line[6..]).RootElement.Clone()));
            }
        }
        return events;
    }

    /// <summary>A bad position, limit or wait, or an unknown parameter, is answered 400 naming it; an agent may not read the feed.</summary>
    public async Task BadParametersAreRefusedAndAgentsMayNotReadAsync()
    {
        foreach (var (query, field) in new[]
                 {
                     ("after=-1", "after"), ("after=abc", "after"), ("after=1.5", "after"), ("limit=0", "limit"),
                     ("limit=1001", "limit"), ("wait=61", "wait"), ("wait=soon", "wait"), ("since=3", "since"),
                 })
        {
            var (status, problem) = await service.SendAsync(HttpMethod.Get, $"/api/changes?{query}", cancellationToken: Token);
            Assert.True(status == HttpStatusCode.BadRequest, $"{query}: {(int)status} {problem}");
            Assert.Equal([field], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
            Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await service.SendAsync(HttpMethod.Get, "/api/changes", key: DemoKeys.Agent, cancellationToken: Token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await service.SendAsync(HttpMethod.Get, "/api/changes", key: DemoKeys.Supervisor, cancellationToken: Token)).Status);
    }

    /// <summary>Asserts that the changes of <paramref name="kind"/> form one chain from nothing to <paramref name="current"/>.</summary>
    private static void AssertChain(IReadOnlyList<Change> changes, string kind, string? current)
    {
        var chain = changes.Where(c => c.Kind == kind).ToList();
        Assert.NotEmpty(chain);
        Assert.Null(chain[0].From);
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.Equal(chain[i - 1].To, chain[i].From);
            Assert.NotEqual(chain[i].From, chain[i].To);
        }
        Assert.Equal(current, chain[^1].To);
    }

    private async Task ExpectAcceptedAsync(params JsonObject[] events)
    {
        var (status, body) = await service.PostEventsAsync(EventJson.Batch(events));
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
    }

    /// <summary>The position of the last change now in the feed.</summary>
    public async Task<long> EndAsync()
    {
        var after = 0L;
        while (true)
        {
            var page = await PageAsync($"/api/changes?after={after}&limit=1000");
            if (page.Changes.Count == 0)
            {
                return after;
            }
            after = page.Next;
        }
    }

    /// <summary>Every change after <paramref name="after"/>, read page by page.</summary>
    public async Task<List<Change>> ReadAllAsync(long after)
    {
        var all = new List<Change>();
        while (true)
        {
            var page = await PageAsync($"/api/changes?after={after}&limit=1000");
            if (page.Changes.Count == 0)
            {
                return all;
            }
            all.AddRange(page.Changes);
            after = page.Next;
        }
    }

    /// <summary>Waits until a change of <paramref name="customerId"/> after <paramref name="after"/> meets <paramref name="done"/>; answers that customer's changes.</summary>
    public Task<List<Change>> WaitForAsync(long after, string customerId, Func<Change, bool> done, string awaited, TimeSpan? timeout) =>
        Eventually.UntilAsync(
            async () => (await ReadAllAsync(after)).Where(c => c.CustomerId == customerId).ToList(),
            changes => changes.Any(done), awaited, timeout);

    private async Task<(List<Change> Changes, long Next)> PageAsync(string path)
    {
        var (status, body) = await service.SendAsync(HttpMethod.Get, path, cancellationToken: Token);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        var changes = body.GetProperty("changes").EnumerateArray().Select(c => new Change(
            c.GetProperty("position").GetInt64(), c.GetProperty("customerId").GetString()!, c.GetProperty("kind").GetString()!,
            Text(c, "from"), Text(c, "to"), Text(c, "detail"))).ToList();
        return (changes, body.GetProperty("next").GetInt64());
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose() => service.Dispose();
}
