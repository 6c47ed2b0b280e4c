using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// Hostile input across the endpoints: every request gets a 4xx problem that says what is wrong and where, none of it
/// changes anything, and the host stays healthy; unusual but valid text comes back exactly as it went in.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostileInputTests(SharedHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string customer = $"hostile-{Guid.NewGuid():N}"[..20];
    private int serial;

    /// <summary>A hostile request: what it is, how to send it, and (for an event) the index and field its problem must name.</summary>
    private sealed record Case(string What, Func<HttpRequestMessage> Request, int? Index = null, string? Field = null);

    private string NextId() => $"{customer}-{Interlocked.Increment(ref serial)}";

    private JsonObject Purchase() => EventJson.Purchase(NextId(), customer, DateTimeOffset.UtcNow.AddDays(-1), 10m);

    private JsonObject Profile(JsonObject fields) => EventJson.Event("profileChanged", NextId(), customer, DateTimeOffset.UtcNow.AddDays(-1), fields, "crm");

    // A JSON writer replaces an unpaired surrogate with U+FFFD, so the escape is put into the body text itself.
    private const string LoneSurrogate = "@@lone-surrogate@@";

    private static HttpRequestMessage Post(string path, string body, string? contentType = "application/json", string? key = null)
    {
        body = body.Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        if (key is not null)
        {
            request.Headers.Add(DemoKeys.Header, key);
        }
        return request;
    }

    /// <summary>The event alone, and first and third of a batch whose other events are valid (nothing may be half-applied).</summary>
    private IEnumerable<Case> EventCases(string what, Func<JsonObject> hostile, string field)
    {
        yield return new($"{what} (alone)", () => Post("/api/interactions", EventJson.Batch(hostile()).ToJsonString()), 0, field);
        yield return new($"{what} (first of a batch)", () => Post("/api/interactions", EventJson.Batch(hostile(), Purchase(), Purchase()).ToJsonString()), 0, field);
        yield return new($"{what} (third of a batch)", () => Post("/api/interactions", EventJson.Batch(Purchase(), Purchase(), hostile()).ToJsonString()), 2, field);
    }

    private static JsonObject With(JsonObject e, string field, JsonNode? value)
    {
        e[field] = value;
        return e;
    }

    private IEnumerable<Case> Cases()
    {
        var huge = new string('x', 70_000);
        var longish = new string('y', 3000);
        var purchaseFields = new (string Field, JsonNode? Value, string What)[]
        {
            ("amount", 7e28m, "a 7e28 amount"), ("discount", 7e28m, "a 7e28 discount"), ("amount", -1m, "a negative amount"),
            ("amount", 1_000_000_001m, "an amount past Ingest:MaxAmount"), ("amount", "NaN", "NaN as a string"), ("amount", "Infinity", "Infinity as a string"),
            ("amount", true, "a boolean amount"), ("currency", "EURO", "a four-letter currency"), ("orderId", huge, "a huge order id"),
            ("eventId", new string('e', 129), "a 129-character event id"), ("source", longish, "a 3000-character source"), ("source", "s\u0000", "a NUL in the source"),
            ("customerId", "c\u0000x", "a NUL in the customer id"), ("occurredAt", "1900-01-01T00:00:00Z", "an event of 1900"),
            ("occurredAt", "2999-01-01T00:00:00Z", "an event of 2999"), ("occurredAt", "yesterday", "a time that is no time"),
            ("occurredAt", "2026-01-01T00:00:00", "a time without an offset"), ("type", "teleport", "an unknown type"),
            ("lines", new JsonArray([.. Enumerable.Range(0, 501).Select(_ => (JsonNode)new JsonObject { ["category"] = "c", ["quantity"] = 1, ["unitPrice"] = 1 })]), "501 lines"),
            ("lines", new JsonArray(new JsonObject { ["category"] = "c", ["quantity"] = 0, ["unitPrice"] = 1 }), "a quantity of 0"),
            ("lines", new JsonArray(new JsonObject { ["category"] = "c", ["quantity"] = 2_000_000, ["unitPrice"] = 1 }), "a quantity past the maximum"),
            ("lines", new JsonArray(new JsonObject { ["category"] = "c", ["quantity"] = 10_000_000_000L, ["unitPrice"] = 1 }), "a quantity beyond int"),
            ("lines", new JsonArray(new JsonObject { ["category"] = "c", ["quantity"] = 1, ["unitPrice"] = 7e28m }), "a 7e28 unit price"),
            ("lines", new JsonArray(new JsonObject { ["category"] = huge, ["quantity"] = 1, ["unitPrice"] = 1 }), "a huge category"),
        };
        foreach (var (field, value, what) in purchaseFields)
        {
            foreach (var c in EventCases($"purchase with {what}", () => With(Purchase(), field, value?.DeepClone()), field == "type" ? "type" : field))
            {
                yield return c;
            }
        }

        var profileFields = new (string Field, JsonNode Value, string What)[]
        {
            ("birthday", "2999-01-01", "a birthday in 2999"), ("birthday", "1850-06-01", "a birthday in 1850"), ("birthday", "2020-13-01", "month 13"),
            ("name", new string('n', 300), "a 300-character name"), ("name", "Ann\u0000", "a NUL in the name"), ("name", $"Ann {LoneSurrogate}", "an unpaired surrogate"),
            ("email", new string('m', 300) + "@example.com", "a 300-character e-mail"),
            ("phones", new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode)$"+1 212 555 01{i:D2}")]), "11 phones"),
            ("phones", new JsonArray(huge), "a huge phone"),
            ("preferences", new JsonObject(Enumerable.Range(0, 51).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)"v"))), "51 preferences"),
            ("preferences", new JsonObject { [new string('k', 65)] = "v" }, "a 65-character preference key"),
            ("preferences", new JsonObject { ["drink"] = new string('v', 300) }, "a 300-character preference value"),
            ("consents", new JsonObject { ["carrierPigeon"] = true }, "an unknown consent channel"),
        };
        foreach (var (field, value, what) in profileFields)
        {
            foreach (var c in EventCases($"profile with {what}", () => Profile(new JsonObject { [field] = value.DeepClone() }), field))
            {
                yield return c;
            }
        }

        JsonObject Contact(int? duration, string? reason) => EventJson.Event("contact", NextId(), customer, DateTimeOffset.UtcNow.AddDays(-1),
            new JsonObject { ["channel"] = "phone", ["durationSeconds"] = duration, ["reason"] = reason }, "cti");
        JsonObject Survey(JsonNode dimensions, int? nps) => EventJson.Event("survey", NextId(), customer, DateTimeOffset.UtcNow.AddDays(-1),
            new JsonObject { ["dimensions"] = dimensions, ["nps"] = nps }, "survey");
        JsonObject Note(string text) => EventJson.Event("note", NextId(), customer, DateTimeOffset.UtcNow.AddDays(-1), new JsonObject { ["text"] = text }, "crm");
        var more = new (string What, Func<JsonObject> Event, string Field)[]
        {
            ("a contact of -1 s", () => Contact(-1, null), "durationSeconds"), ("a contact of 25 h", () => Contact(90_000, null), "durationSeconds"),
            ("a 3000-character reason", () => Contact(60, longish), "reason"),
            ("a survey score of 11", () => Survey(new JsonObject { ["service"] = new JsonObject { ["expectation"] = 11, ["experience"] = 5, ["importance"] = 5 } }, null), "dimensions.service.expectation"),
            ("a survey score of 1e308 squared", () => Survey(new JsonObject { ["price"] = new JsonObject { ["expectation"] = JsonNode.Parse("1e999"), ["experience"] = 5, ["importance"] = 5 } }, null), "dimensions.price."),
            ("an nps of 12", () => Survey(new JsonObject(), 12), "nps"), ("an empty survey", () => Survey(new JsonObject(), null), "dimensions"),
            ("a 2001-character note", () => Note(new string('t', 2001)), "text"), ("a NUL in a note", () => Note("a\u0000b"), "text"),
        };
        foreach (var (what, e, field) in more)
        {
            foreach (var c in EventCases(what, e, field))
            {
                yield return c;
            }
        }

        // Bodies that are not a batch of events at all.
        foreach (var body in new[] { "{\"amount\": NaN}", "{\"events\":[{\"amount\": Infinity}]}", "{\"events\": [", "null", "[]", "{\"events\": {}}",
                     "{\"events\": []}", new string('[', 200) + new string(']', 200), "\"just a string\"" })
        {
            yield return new($"the body {body[..Math.Min(20, body.Length)]}", () => Post("/api/interactions", body));
        }
        yield return new("1001 events", () => Post("/api/interactions", EventJson.Batch([.. Enumerable.Range(0, 1001).Select(_ => Purchase())]).ToJsonString()));

        // Wrong content types on every JSON endpoint.
        var jsonEndpoints = new (string Path, string Key, string Body)[]
        {
            ("/api/interactions", DemoKeys.Service, EventJson.Batch(Purchase()).ToJsonString()),
            ($"/api/customers/{customer}/notes", DemoKeys.Agent, "{\"text\":\"hello\"}"),
            ($"/api/customers/{customer}/preferences", DemoKeys.Agent, "{\"key\":\"drink\",\"value\":\"tea\"}"),
            ("/api/calls", DemoKeys.Cti, "{\"callId\":\"x\",\"ani\":\"+12125550142\",\"agentId\":\"agent1\"}"),
            ("/api/auth/login", DemoKeys.Agent, "{\"userId\":\"agent1\",\"password\":\"agent-demo-1\"}"),
            ("/api/policy/what-if", DemoKeys.Admin, "{}"),
        };
        foreach (var (path, key, body) in jsonEndpoints)
        {
            foreach (var type in new[] { "text/plain", "application/xml", "multipart/form-data", "application/x-www-form-urlencoded", null })
            {
                yield return new($"{path} as {type ?? "no content type"}", () => Post(path, body, type, key));
            }
        }
        foreach (var type in new[] { "text/plain", "application/xml", null })
        {
            yield return new($"PUT /api/policy as {type ?? "no content type"}", () =>
            {
                var request = Post("/api/policy", "{}", type, DemoKeys.Admin);
                request.Method = HttpMethod.Put;
                return request;
            });
        }

        // Bodies past each endpoint's limit (8 MiB, 64 KiB, 1 MiB by default), announced (the client waits for the
        // answer before sending, as a well-behaved client does) and chunked (just past the limit).
        var oversized = new (string Path, string Key, int Limit)[]
        {
            ("/api/interactions", DemoKeys.Service, 8 * 1024 * 1024), ($"/api/customers/{customer}/notes", DemoKeys.Agent, 64 * 1024),
            ($"/api/customers/{customer}/preferences", DemoKeys.Agent, 64 * 1024), ("/api/calls", DemoKeys.Cti, 64 * 1024),
            ("/api/auth/login", DemoKeys.Agent, 64 * 1024), ("/api/policy/what-if", DemoKeys.Admin, 1024 * 1024),
        };
        foreach (var (path, key, limit) in oversized)
        {
            var body = "{\"text\":\"" + new string('z', limit + 1024) + "\"}";
            yield return new($"{body.Length} bytes to {path}", () =>
            {
                var request = Post(path, body, key: key);
                request.Headers.ExpectContinue = true;
                return request;
            });
            yield return new($"{body.Length} bytes chunked to {path}", () =>
            {
                var request = Post(path, body, key: key);
                request.Headers.TransferEncodingChunked = true;
                request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                return request;
            });
        }

        // The endpoints that make events themselves, and the ring.
        foreach (var (what, body) in new[]
        {
            ("a 65-character key", "{\"key\":\"" + new string('k', 65) + "\",\"value\":\"v\"}"), ("a 300-character value", "{\"key\":\"k\",\"value\":\"" + new string('v', 300) + "\"}"),
            ("a NUL in the value", "{\"key\":\"k\",\"value\":\"a\\u0000b\"}"), ("an empty key", "{\"key\":\"\",\"value\":\"v\"}"), ("no value", "{\"key\":\"k\"}"),
        })
        {
            yield return new($"a preference with {what}", () => Post($"/api/customers/{customer}/preferences", body, key: DemoKeys.Agent));
        }
        foreach (var (what, body) in new[] { ("2001 characters", "{\"text\":\"" + new string('t', 2001) + "\"}"), ("a NUL", "{\"text\":\"a\\u0000\"}"), ("no text", "{}") })
        {
            yield return new($"a note with {what}", () => Post($"/api/customers/{customer}/notes", body, key: DemoKeys.Agent));
        }
        foreach (var (what, body) in new[]
        {
            ("a 200-character call id", "{\"callId\":\"" + new string('c', 200) + "\",\"ani\":\"+12125550142\",\"agentId\":\"agent1\"}"),
            ("a huge agent id", "{\"callId\":\"c\",\"ani\":\"+12125550142\",\"agentId\":\"" + new string('a', 5000) + "\"}"),
            ("a huge number", "{\"callId\":\"c\",\"ani\":\"" + new string('9', 5000) + "\",\"agentId\":\"agent1\"}"),
            ("a control character in the dnis", "{\"callId\":\"c\",\"ani\":\"+12125550142\",\"dnis\":\"1\\u0007\",\"agentId\":\"agent1\"}"),
        })
        {
            yield return new($"a ring with {what}", () => Post("/api/calls", body, key: DemoKeys.Cti));
        }
        yield return new("a 5000-character password", () => Post("/api/auth/login", "{\"userId\":\"agent1\",\"password\":\"" + new string('p', 5000) + "\"}"));

        // Queries.
        foreach (var (path, key) in new[]
        {
            ($"/api/customers/{customer}?asOf=not-a-date", DemoKeys.Service), ($"/api/customers/{customer}/decision?channel=telepathy", DemoKeys.Service),
            ($"/api/customers/{customer}/decision?asOf=31.12.2026", DemoKeys.Service), ("/api/alerts?limit=0", DemoKeys.Service), ("/api/alerts?after=-5", DemoKeys.Service),
            ("/api/audit?limit=100000", DemoKeys.Supervisor), ($"/api/screenpop?ani={new string('1', 3000)}", DemoKeys.Agent), ("/api/screenpop?ani=%3Cscript%3E", DemoKeys.Agent),
        })
        {
            yield return new($"GET {path[..Math.Min(60, path.Length)]}", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
                request.Headers.Add(DemoKeys.Header, key);
                return request;
            });
        }
    }

    [Fact]
    public async Task Hundreds_of_hostile_requests_get_a_clear_4xx_change_nothing_and_leave_the_host_healthy()
    {
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{customer}-base", customer, DateTimeOffset.UtcNow.AddDays(-2), 25m)));
        await host.Api.WaitForAppliedEventsAsync(customer, 1);
        var policyBefore = await host.Api.Http.GetStringAsync(new Uri("/api/policy", UriKind.Relative), Ct);

        var cases = Cases().ToList();
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        var wrong = new List<string>();
        foreach (var c in cases)
        {
            using var request = c.Request();
            using var response = await host.Api.Http.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500)
            {
                wrong.Add($"{c.What}: {status} {text[..Math.Min(200, text.Length)]}");
                continue;
            }
            var problem = JsonDocument.Parse(text).RootElement;
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(detail))
            {
                wrong.Add($"{c.What}: {status} without a problem that says why: {text[..Math.Min(200, text.Length)]}");
            }
            else if (c.Index is { } index && !(problem.TryGetProperty("errors", out var errors)
                         && errors.EnumerateArray().Any(e => e.GetProperty("index").GetInt32() == index
                             && (e.GetProperty("field").GetString()!.StartsWith(c.Field!, StringComparison.Ordinal) || c.Field == "type"))))
            {
                wrong.Add($"{c.What}: the problem does not name events[{index}].{c.Field}: {text[..Math.Min(300, text.Length)]}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} hostile requests were answered badly:\n{string.Join("\n", wrong)}");

        // Nothing changed: a marker event appended after them all is the customer's second event, and the policy is the same.
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Contact($"{customer}-marker", customer, DateTimeOffset.UtcNow.AddMinutes(-1))));
        var after = await host.Api.WaitForAppliedEventsAsync(customer, 2);
        Assert.Equal(2, after.GetProperty("appliedEvents").GetInt32());
        Assert.Equal(policyBefore, await host.Api.Http.GetStringAsync(new Uri("/api/policy", UriKind.Relative), Ct));
        using var ready = await host.Api.Anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Unusual_but_valid_text_round_trips_exactly_through_ingest_and_read()
    {
        const string Unusual = "\"quoted\" 'single' <script>alert('x')</script> & \u200F\u202Eevil\u202C 😀👩‍👩‍👧 tab\tnew\nline bell\u0007 unit\u001F ü ß 中文 \\ backslash";
        var (status, body) = await host.Api.PostEventsAsync(EventJson.Batch(Profile(new JsonObject
        {
            ["name"] = Unusual,
            ["preferences"] = new JsonObject { ["remark"] = Unusual },
        })));
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        var snapshot = await host.Api.WaitForAppliedEventsAsync(customer, 1);
        var profile = snapshot.GetProperty("profile");
        Assert.Equal(Unusual, profile.GetProperty("name").GetString());
        Assert.Equal(Unusual, profile.GetProperty("preferences").GetProperty("remark").GetProperty("value").GetString());
    }
}
