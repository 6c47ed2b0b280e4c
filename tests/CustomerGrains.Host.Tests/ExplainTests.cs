using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>GET /api/customers/{id}/explain and /timeline on a running host: why the engine says what it says, then and now.</summary>
[Collection(HostCollection.Name)]
public sealed class ExplainTests(SharedHost host)
{
    private readonly string customer = "expl-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DateTimeOffset start = DateTimeOffset.UtcNow.AddDays(-30);

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string key = DemoKeys.Service) =>
        ScreenPopTests.GetAsync(host, $"/api/customers/{customer}/{path}", key);

    /// <summary>An hour's call as a prospect, a first purchase ten days later, a repeat purchase ten days after that, and consent to be phoned.</summary>
    private async Task ProspectThenBuyerAsync()
    {
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Contact($"{customer}-1", customer, start, durationSeconds: 3600),
            EventJson.Purchase($"{customer}-2", customer, start.AddDays(10), 80m),
            EventJson.Purchase($"{customer}-3", customer, start.AddDays(20), 120m),
            EventJson.Event("profileChanged", $"{customer}-4", customer, start.AddDays(20).AddHours(1),
                new JsonObject { ["consents"] = new JsonObject { ["phone"] = true } })));
        await host.Api.WaitForAppliedEventsAsync(customer, 4);
    }

    private static string Rule(JsonElement part) => part.GetProperty("rule").GetString()!;

    [Fact]
    public async Task The_explanation_of_a_known_customer_names_the_rule_and_the_inputs_of_each_part()
    {
        await ProspectThenBuyerAsync();

        var (status, body) = await GetAsync("explain");

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var tier = body.GetProperty("tier");
        Assert.Equal("tier." + tier.GetProperty("tier").GetString(), Rule(tier));
        Assert.Equal(tier.GetProperty("cutPoints").GetProperty("populationVersion").GetString(), body.GetProperty("populationVersion").GetString());
        var clv = tier.GetProperty("clv");
        Assert.Equal(1, clv.GetProperty("repeatPurchases").GetInt32());
        Assert.Equal(clv.GetProperty("clv").GetDouble(),
            clv.GetProperty("margin").GetDouble() * clv.GetProperty("expectedSpend").GetDouble() * clv.GetProperty("discountedPurchases").GetDouble(), 6);
        Assert.Equal(60, tier.GetProperty("costToServe").GetProperty("callMinutes").GetDouble(), 6);
        var stage = body.GetProperty("stage");
        Assert.Equal(("formation", "lifecycle.formation"), (stage.GetProperty("stage").GetString(), Rule(stage)));
        Assert.Equal(EventJson.Stamp(start.AddDays(20)), EventJson.Stamp(stage.GetProperty("dates").GetProperty("lastPurchaseAt").GetDateTimeOffset()));
        Assert.NotEmpty(body.GetProperty("service").GetProperty("reasons").EnumerateArray());
        Assert.StartsWith("marketing.", Rule(body.GetProperty("marketing")), StringComparison.Ordinal);
        Assert.True(body.GetProperty("marketing").GetProperty("traits").EnumerateObject().Any(), "the need traits the individuality rests on are listed");
        Assert.StartsWith("selection.", Rule(body.GetProperty("selection")), StringComparison.Ordinal);
        Assert.Contains(body.GetProperty("selection").GetProperty("categories").EnumerateArray(), c => c.GetProperty("category").GetString() == "books");
        Assert.All(body.GetProperty("actions").EnumerateArray(), a => Assert.StartsWith("action.", Rule(a), StringComparison.Ordinal));
        Assert.False(body.GetProperty("replayed").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("policyVersion").GetString()));
        Assert.StartsWith("current", body.GetProperty("versionsNote").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explanation_as_of_a_moment_before_a_purchase_gives_the_tier_and_stage_of_that_moment()
    {
        await ProspectThenBuyerAsync();

        var (_, prospect) = await GetAsync($"explain?asOf={EventJson.Stamp(start.AddDays(5))}");
        var (_, explorer) = await GetAsync($"explain?asOf={EventJson.Stamp(start.AddDays(15))}");
        var (_, now) = await GetAsync("explain");

        Assert.Equal(("prospect", "lifecycle.prospect"), (prospect.GetProperty("stage").GetProperty("stage").GetString(), Rule(prospect.GetProperty("stage"))));
        // Only the hour on the phone by then: costs, no value.
        Assert.Equal(("D", "tier.D"), (prospect.GetProperty("tier").GetProperty("tier").GetString(), Rule(prospect.GetProperty("tier"))));
        Assert.True(prospect.GetProperty("replayed").GetBoolean());
        Assert.StartsWith("inForceAtAsOf", prospect.GetProperty("versionsNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, prospect.GetProperty("eventsApplied").GetInt32());
        Assert.Equal(EventJson.Stamp(start.AddDays(5)), EventJson.Stamp(prospect.GetProperty("asOf").GetDateTimeOffset()));
        Assert.Equal("exploration", explorer.GetProperty("stage").GetProperty("stage").GetString());
        Assert.Equal(2, explorer.GetProperty("eventsApplied").GetInt32());
        Assert.Equal(0, explorer.GetProperty("tier").GetProperty("clv").GetProperty("repeatPurchases").GetInt32());
        Assert.Equal("formation", now.GetProperty("stage").GetProperty("stage").GetString());
        // The replay changed nothing: the live customer still has all four events.
        Assert.Equal(4, (await host.Api.GetCustomerAsync(customer)).Body.GetProperty("appliedEvents").GetInt32());
    }

    [Fact]
    public async Task An_explanation_is_refused_for_a_future_moment_a_moment_before_the_first_event_an_unknown_customer_and_an_agent()
    {
        await ProspectThenBuyerAsync();

        var (future, futureProblem) = await GetAsync($"explain?asOf={EventJson.Stamp(DateTimeOffset.UtcNow.AddDays(2))}");
        var (tooEarly, tooEarlyProblem) = await GetAsync($"explain?asOf={EventJson.Stamp(start.AddDays(-1))}");
        var (garbled, _) = await GetAsync("explain?asOf=yesterday");
        var (badChannel, _) = await GetAsync("explain?channel=pigeon");
        var (unknown, _) = await ScreenPopTests.GetAsync(host, $"/api/customers/{customer}-nobody/explain", DemoKeys.Service);
        var (agent, _) = await GetAsync("explain", DemoKeys.Agent);

        Assert.Equal(HttpStatusCode.BadRequest, future);
        Assert.Contains("future", futureProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, tooEarly);
        Assert.Contains("occurred by", tooEarlyProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, garbled);
        Assert.Equal(HttpStatusCode.BadRequest, badChannel);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.Forbidden, agent);
    }

    private static string[] Changes(JsonElement entry, string list, string aspect) =>
        [.. entry.GetProperty(list).EnumerateArray().Where(c => c.GetProperty("aspect").GetString() == aspect)
            .Select(c => $"{(c.TryGetProperty("from", out var from) ? from.GetString() : null)}->{c.GetProperty("to").GetString()}")];

    [Fact]
    public async Task The_timeline_lists_the_events_in_order_with_the_transitions_they_caused_and_pages_through_them()
    {
        await ProspectThenBuyerAsync();

        var (status, whole) = await GetAsync("timeline");
        var (_, first) = await GetAsync("timeline?limit=2");
        var (_, second) = await GetAsync($"timeline?limit=2&cursor={first.GetProperty("nextCursor").GetInt64()}");

        Assert.True(status == HttpStatusCode.OK, whole.ToString());
        var events = whole.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal([$"{customer}-1", $"{customer}-2", $"{customer}-3", $"{customer}-4"], events.Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal(["contact", "purchase", "purchase", "profileChanged"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["->prospect"], Changes(events[0], "byEvent", "stage"));
        Assert.Equal(["prospect->exploration"], Changes(events[1], "byEvent", "stage"));
        Assert.Equal(["exploration->formation"], Changes(events[2], "byEvent", "stage"));
        Assert.Empty(Changes(events[3], "byEvent", "stage"));
        Assert.Equal(["->D"], Changes(events[0], "byEvent", "tier"));
        var formation = events[2].GetProperty("byEvent").EnumerateArray().Single(c => c.GetProperty("aspect").GetString() == "stage");
        Assert.Equal("lifecycle.formation", formation.GetProperty("reasons")[0].GetProperty("rule").GetString());
        Assert.Equal("formation", events[3].GetProperty("after").GetProperty("stage").GetString());
        Assert.Equal(4, whole.GetProperty("totalEvents").GetInt32());
        Assert.Equal(JsonValueKind.Null, whole.TryGetProperty("nextCursor", out var none) ? none.ValueKind : JsonValueKind.Null);

        Assert.Equal([1L, 2], first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal([3L, 4], second.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(["exploration->formation"], Changes(second.GetProperty("events")[0], "byEvent", "stage"));
    }

    [Fact]
    public async Task A_timeline_with_bad_paging_is_refused_naming_the_field_and_an_unknown_customer_is_not_found()
    {
        await ProspectThenBuyerAsync();

        var (zero, zeroProblem) = await GetAsync("timeline?limit=0");
        var (huge, _) = await GetAsync("timeline?limit=100000");
        var (word, wordProblem) = await GetAsync("timeline?cursor=abc");
        var (negative, _) = await GetAsync("timeline?cursor=-1");
        var (unknown, _) = await ScreenPopTests.GetAsync(host, $"/api/customers/{customer}-nobody/timeline", DemoKeys.Service);
        var (agent, _) = await GetAsync("timeline", DemoKeys.Agent);

        Assert.Equal(HttpStatusCode.BadRequest, zero);
        Assert.Equal("limit", zeroProblem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, huge);
        Assert.Equal(HttpStatusCode.BadRequest, word);
        Assert.Equal("cursor", wordProblem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, negative);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.Forbidden, agent);
    }
}
