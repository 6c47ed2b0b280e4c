using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>
/// One customer with a history on both sides of the retentions the retention tests configure (<see cref="Settings"/>): a
/// profile, a purchase and a note 400 days old, and a profile (a new name and number, the e-mail left as it was), a purchase
/// and a note 10 days old. Retention must shred the old name, number and note, and keep the rest.
/// </summary>
public sealed class RetentionScenario
{
    /// <summary>The retentions of the tests: events and notes after 180 days, audit details after <paramref name="audit"/>.</summary>
    public static Dictionary<string, string> Settings(TimeSpan audit) => new()
    {
        ["Privacy:Retention:Events"] = "180.00:00:00",
        ["Privacy:Retention:Notes"] = "180.00:00:00",
        ["Privacy:Retention:Audit"] = audit.ToString("c", CultureInfo.InvariantCulture),
    };

    private static readonly DateTimeOffset Old = DateTimeOffset.UtcNow.AddDays(-400);
    private static readonly DateTimeOffset Recent = DateTimeOffset.UtcNow.AddDays(-10);

    public RetentionScenario(string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        CustomerId = $"{prefix}-{run}";
        OldName = $"Hildegard Altmann {run}";
        NewName = $"Hildegard Neumann {run}";
        var line = Random.Shared.Next(1000, 5000);
        OldE164 = $"+1646555{line}";
        NewE164 = $"+1646555{line + 5000}";
        Email = $"hildegard.{run}@example.org";
        OldNote = $"wants the blue one, old ref {run}";
        NewNote = $"call back on friday, new ref {run}";
    }

    public string CustomerId { get; }
    public string OldName { get; }
    public string NewName { get; }
    public string OldE164 { get; }
    public string NewE164 { get; }

    /// <summary>Stated only in the old profile change, never replaced: still in force, so kept.</summary>
    public string Email { get; }

    public string OldNote { get; }
    public string NewNote { get; }

    /// <summary>What retention must shred (a number by its digits: JSON may write the plus sign escaped).</summary>
    public IReadOnlyList<string> Shredded => [OldName, OldE164[1..], OldNote];

    /// <summary>What retention must keep.</summary>
    public IReadOnlyList<string> Kept => [NewName, NewE164[1..], Email, NewNote];

    public int Events => 6;

    /// <summary>A moment after every event, to read the customer's figures as of one fixed time before and after retention.</summary>
    public static string AsOf { get; } = EventJson.Stamp(DateTimeOffset.UtcNow.AddDays(1));

    public JsonObject Batch() => EventJson.Batch(
        EventJson.Profile($"{CustomerId}-p1", CustomerId, Old, OldName, [OldE164], Email),
        EventJson.Purchase($"{CustomerId}-o1", CustomerId, Old.AddDays(1), 120m, orderId: $"{CustomerId}-order-1"),
        Note($"{CustomerId}-n1", Old.AddDays(2), OldNote),
        EventJson.Profile($"{CustomerId}-p2", CustomerId, Recent, NewName, [NewE164]),
        EventJson.Purchase($"{CustomerId}-o2", CustomerId, Recent.AddDays(1), 80m, orderId: $"{CustomerId}-order-2"),
        Note($"{CustomerId}-n2", Recent.AddDays(2), NewNote));

    private JsonObject Note(string eventId, DateTimeOffset at, string text) =>
        EventJson.Event("note", eventId, CustomerId, at, new JsonObject { ["text"] = text, ["agentId"] = "agent1" });

    /// <summary>Posts the events, waits until they are applied and pops the customer by the new number (an audited read naming it).</summary>
    public async Task SeedAsync(ApiClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (status, body) = await api.PostEventsAsync(Batch());
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        await api.WaitForAppliedEventsAsync(CustomerId, Events, TimeSpan.FromSeconds(60));
        await ScreenPopAsync(api);
    }

    /// <summary>Pops the customer by the new number (waiting until the phone book lists it).</summary>
    public Task ScreenPopAsync(ApiClient api) =>
        Eventually.UntilAsync(() => SendAsync(api, HttpMethod.Get, $"/api/screenpop?ani={Uri.EscapeDataString(NewE164)}", DemoKeys.Supervisor),
            r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("customers").EnumerateArray().Any(c => c.GetProperty("customerId").GetString() == CustomerId),
            $"{CustomerId} to be found by {NewE164}", TimeSpan.FromSeconds(60));

    /// <summary>
    /// The customer's figures as of <see cref="AsOf"/> (what depends on time computed for that one moment): the snapshot
    /// without its recent interactions, whose line of an old note retention rewrites.
    /// </summary>
    public async Task<string> FiguresAsync(ApiClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (status, body) = await api.GetCustomerAsync(CustomerId, AsOf);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var node = JsonNode.Parse(body.GetRawText())!.AsObject();
        Assert.True(node.Remove("recentInteractions"), body.ToString());
        return node.ToJsonString();
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ExportAsync(ApiClient api) =>
        SendAsync(api, HttpMethod.Get, $"/api/customers/{CustomerId}/export", DemoKeys.Supervisor);

    /// <summary>The dry run of retention (<c>GET /api/privacy/retention</c>).</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> ReportAsync(ApiClient api, string key = DemoKeys.Admin) =>
        SendAsync(api, HttpMethod.Get, "/api/privacy/retention", key);

    /// <summary>Runs retention now (<c>POST /api/privacy/retention/run</c>).</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> RunAsync(ApiClient api, string key = DemoKeys.Admin) =>
        SendAsync(api, HttpMethod.Post, "/api/privacy/retention/run", key);

    /// <summary>One kind's line of a retention report.</summary>
    public static JsonElement Kind(JsonElement report, string kind) =>
        report.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == kind);

    /// <summary>Which of <paramref name="values"/> occur in <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Found(IEnumerable<string> values, string text) =>
        [.. values.Where(v => text.Contains(v, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Asserts the export after a run: the old note reads [erased], the new one whole, the figures of both purchases are there.</summary>
    public void AssertExportAfterRetention(JsonElement export)
    {
        Assert.Empty(Found(Shredded, export.GetRawText()));
        Assert.Equal(Kept.Count, Found(Kept, export.GetRawText()).Count);
        var notes = export.GetProperty("notes").EnumerateArray().ToDictionary(n => n.GetProperty("eventId").GetString()!, n => n.GetProperty("text").GetString());
        Assert.Equal("[erased]", notes[$"{CustomerId}-n1"]);
        Assert.Equal(NewNote, notes[$"{CustomerId}-n2"]);
        var events = export.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(Events, events.Count);
        Assert.All(events, e => Assert.False(e.GetProperty("erased").GetBoolean()));
        Assert.Equal(120m, events[1].GetProperty("event").GetProperty("amount").GetDecimal());
        Assert.Equal(Email, events[0].GetProperty("event").GetProperty("email").GetString());
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ApiClient api, HttpMethod method, string path, string key) =>
        PrivacyScenario.SendAsync(api, method, path, key);
}
