using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>The screen-pop over real HTTP: lookup by number in any format, masking by role, sign-in, the audit trail, the directory.</summary>
[Collection(HostCollection.Name)]
public sealed class ScreenPopTests(SharedHost host)
{
    // The demo users of the host's appsettings.Development.json (the README names them).
    internal const string AgentKey = DemoKeys.Agent, SupervisorKey = DemoKeys.Supervisor, CtiKey = DemoKeys.Cti;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A number of its own for each test: +1 312 5xx xxxx.</summary>
    private static (string E164, string National) NewNumber()
    {
        var n = Random.Shared.Next(5_000_000, 6_000_000);
        return ($"+1312{n}", $"(312) {n / 10_000}-{n % 10_000:D4}");
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(SharedHost host, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        using var response = await (key is null ? host.Api.Anonymous : host.Api.Http).SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(SharedHost host, string path, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        using var response = await (key is null ? host.Api.Anonymous : host.Api.Http).SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The customer ids of a screen-pop answer, compact (the default) or full.</summary>
    private static string[] CustomerIds(JsonElement screenPop) =>
        [.. screenPop.GetProperty("customers").EnumerateArray()
            .Select(c => (c.TryGetProperty("customer", out var full) ? full : c).GetProperty("customerId").GetString()!)];

    private async Task<JsonElement> WaitForScreenPopAsync(string ani, Func<string[], bool> until, string what) =>
        (await Eventually.UntilAsync(
            () => GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(ani)}", AgentKey),
            r => r.Status == HttpStatusCode.OK && until(CustomerIds(r.Body)),
            what)).Body;

    [Fact]
    public async Task A_shared_number_in_any_format_finds_every_customer_most_valuable_first_compact_or_in_full()
    {
        var (e164, national) = NewNumber();
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        string rich = $"rich-{run}", poor = $"poor-{run}";
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{poor}-p", poor, now.AddDays(-40), "Pat Poor", [national]),
            EventJson.Purchase($"{poor}-1", poor, now.AddDays(-30), 5m),
            EventJson.Profile($"{rich}-p", rich, now.AddDays(-300), "Rita Rich", [e164], "rita@example.com"),
            EventJson.Purchase($"{rich}-1", rich, now.AddDays(-200), 900m),
            EventJson.Purchase($"{rich}-2", rich, now.AddDays(-100), 800m),
            EventJson.Purchase($"{rich}-3", rich, now.AddDays(-10), 950m)));

        var found = await WaitForScreenPopAsync($"+1-312-{e164[5..8]}-{e164[8..]}", ids => ids.Length == 2 && ids.Contains(rich), "both customers of the number");
        Assert.Equal(e164, found.GetProperty("e164").GetString());
        await host.Api.WaitForAppliedEventsAsync(rich, 4);
        found = await WaitForScreenPopAsync(national, ids => ids.Length == 2, "both customers");
        Assert.Equal([rich, poor], CustomerIds(found));

        // The compact card (the default): who, what they are worth, where they stand and what to do now.
        var compact = found.GetProperty("customers")[0];
        Assert.Equal("Rita Rich", compact.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(compact.GetProperty("tier").GetString()));
        Assert.False(string.IsNullOrEmpty(compact.GetProperty("stage").GetString()));
        Assert.False(string.IsNullOrEmpty(compact.GetProperty("serviceLevel").GetString()));
        Assert.True(compact.GetProperty("recentInteractions").GetArrayLength() >= 3);
        Assert.True(compact.GetProperty("netValue").GetDouble() >= found.GetProperty("customers")[1].GetProperty("netValue").GetDouble());
        Assert.False(compact.TryGetProperty("needs", out _));

        // The full card on request: every figure and the whole decision, in the same order.
        var (status, full) = await GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(national)}&view=full", AgentKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([rich, poor], CustomerIds(full));
        var card = full.GetProperty("customers")[0];
        var customer = card.GetProperty("customer");
        Assert.Equal("Rita Rich", customer.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal(compact.GetProperty("tier").GetString(), customer.GetProperty("value").GetProperty("tier").GetString());
        Assert.Equal(compact.GetProperty("stage").GetString(), customer.GetProperty("lifecycle").GetProperty("stage").GetString());
        Assert.True(customer.GetProperty("recentInteractions").GetArrayLength() >= 3);
        var decision = card.GetProperty("decision");
        Assert.Equal(compact.GetProperty("serviceLevel").GetString(), decision.GetProperty("service").GetProperty("serviceLevel").GetString());
        Assert.True(decision.GetProperty("treatment").TryGetProperty("reasons", out _));
        Assert.True(customer.TryGetProperty("needs", out _));

        (status, var problem) = await GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(national)}&view=everything", AgentKey);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("compact (the default) or full", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_number_is_an_empty_match_and_a_malformed_one_is_a_400_saying_why()
    {
        var (e164, _) = NewNumber();
        var (status, body) = await GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(e164)}", AgentKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(CustomerIds(body));

        (status, body) = await GetAsync(host, "/api/screenpop?ani=555-CALL-NOW", AgentKey);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("contains the letter 'C'", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (status, body) = await GetAsync(host, "/api/screenpop?ani=12", AgentKey);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("too short", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_see_contact_data_masked_and_supervisors_whole()
    {
        var (e164, _) = NewNumber();
        var id = $"mask-{run}";
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Profile($"{id}-p", id, DateTimeOffset.UtcNow.AddMinutes(-5), "Mia Mask", [e164], "mia.mask@example.com")));
        await WaitForScreenPopAsync(e164, ids => ids.Contains(id), "the customer");

        foreach (var view in new[] { "compact", "full" })
        {
            var path = $"/api/screenpop?ani={Uri.EscapeDataString(e164)}&view={view}";
            JsonElement Contact(JsonElement answer) => answer.GetProperty("customers")[0] is var c && c.TryGetProperty("customer", out var whole)
                ? whole.GetProperty("profile")
                : c;
            var agentView = Contact((await GetAsync(host, path, AgentKey)).Body);
            Assert.Equal("+•••••••" + e164[^4..], agentView.GetProperty("phones")[0].GetString());
            Assert.Equal("m•••@example.com", agentView.GetProperty("email").GetString());
            Assert.DoesNotContain(e164[2..^4], agentView.GetRawText(), StringComparison.Ordinal);

            var supervisorView = Contact((await GetAsync(host, path, SupervisorKey)).Body);
            Assert.Equal(e164, supervisorView.GetProperty("phones")[0].GetString());
            Assert.Equal("mia.mask@example.com", supervisorView.GetProperty("email").GetString());
        }
        // The masked and the whole card of one customer are kept apart: the agent's view after the supervisor's is masked again.
        var again = (await GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(e164)}", AgentKey)).Body.GetProperty("customers");
        Assert.DoesNotContain(e164[2..^4], again.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_endpoints_refuse_strangers_with_401_and_the_wrong_role_with_403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/api/screenpop?ani=2125550142", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/api/screenpop?ani=2125550142", "not-a-key")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/api/audit", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, "/api/agent/events", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, "/api/calls", new { callId = "x", ani = "2125550142", agentId = "agent1" }, null)).Status);

        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(host, "/api/audit", AgentKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(host, "/api/screenpop?ani=2125550142", CtiKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(host, "/api/calls", new { callId = "x", ani = "2125550142", agentId = "agent1" }, AgentKey)).Status);
    }

    [Fact]
    public async Task Signing_in_with_a_password_opens_a_cookie_session_and_a_wrong_password_does_not()
    {
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(cookies) { BaseAddress = host.Host.BaseAddress };

        using (var wrong = await browser.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { userId = "agent1", password = "guess" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/auth/me", UriKind.Relative), Ct)).StatusCode);

        using (var right = await browser.PostAsJsonAsync(new Uri("/api/auth/login", UriKind.Relative), new { userId = "agent1", password = "agent-demo-1" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            var set = right.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("httponly", set, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", set, StringComparison.OrdinalIgnoreCase);
        }
        var me = await browser.GetFromJsonAsync<JsonElement>(new Uri("/api/auth/me", UriKind.Relative), Ct);
        Assert.Equal("agent", me.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/screenpop?ani=2125550142", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct)).StatusCode);

        using var logout = await browser.PostAsync(new Uri("/api/auth/logout", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/screenpop?ani=2125550142", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Every_lookup_is_in_the_audit_trail_for_supervisors()
    {
        var (e164, national) = NewNumber();
        var id = $"audit-{run}";
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Profile($"{id}-p", id, DateTimeOffset.UtcNow.AddMinutes(-5), "Al Audit", [e164])));
        await WaitForScreenPopAsync(national, ids => ids.Contains(id), "the customer");

        var (status, page) = await GetAsync(host, $"/api/audit?customerId={id}", SupervisorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        var entry = page.GetProperty("entries")[0];
        Assert.Equal("agent1", entry.GetProperty("actor").GetString());
        Assert.Equal("agent", entry.GetProperty("role").GetString());
        Assert.Equal("screenpop", entry.GetProperty("path").GetString());
        Assert.Equal(id, entry.GetProperty("customerId").GetString());
        Assert.Contains(e164, entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.UtcNow - entry.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(host, "/api/audit?limit=0", SupervisorKey)).Status);
    }

    [Fact]
    public async Task A_read_of_the_alerts_is_in_the_audit_trail_of_every_customer_on_the_page()
    {
        // Monthly buyers for a year who stopped 200 days ago: applied as of their purchases, then time alone moves them on.
        var id = $"alerted-{run}";
        var last = DateTimeOffset.UtcNow.AddDays(-200);
        await host.Api.PostEventsAsync(EventJson.Batch([.. Enumerable.Range(0, 13).Select(i => EventJson.Purchase($"{id}-{i}", id, last.AddDays(-30 * (12 - i)), 150m))]));
        await host.Api.WaitForAppliedEventsAsync(id, 13);
        await Eventually.UntilAsync(async () =>
        {
            await PostAsync(host, "/api/maintenance/lifecycle-sweep", new { }, DemoKeys.Admin);
            var (_, alerts) = await GetAsync(host, $"/api/alerts?customerId={id}", DemoKeys.Service);
            return alerts.GetArrayLength() > 0;
        }, "the sweep to alert the lapsed customer");

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, $"/api/alerts?customerId={id}", SupervisorKey)).Status);

        var trail = (await GetAsync(host, $"/api/audit?customerId={id}", SupervisorKey)).Body.GetProperty("entries").EnumerateArray()
            .Select(e => (e.GetProperty("path").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Contains(("alerts", "super1"), trail);
        Assert.Contains(("alerts", "demo-service"), trail);
    }

    [Fact]
    public async Task Reads_of_a_customer_sign_ins_and_reads_of_the_trail_are_in_the_audit_trail()
    {
        var id = $"trail-{run}";
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{id}-1", id, DateTimeOffset.UtcNow.AddDays(-3), 40m)));
        await host.Api.WaitForAppliedEventsAsync(id, 1);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, $"/api/customers/{id}", SupervisorKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, $"/api/customers/{id}/decision?channel=email", SupervisorKey)).Status);
        var intruder = $"intruder-{run}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, "/api/auth/login", new { userId = intruder, password = "guess" }, null)).Status);

        var (status, page) = await GetAsync(host, $"/api/audit?customerId={id}", SupervisorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        var paths = page.GetProperty("entries").EnumerateArray().Select(e => (e.GetProperty("path").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Contains(("snapshot", "super1"), paths);
        Assert.Contains(("decision", "super1"), paths);

        var all = (await GetAsync(host, "/api/audit?limit=500", SupervisorKey)).Body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(all, e => e.GetProperty("path").GetString() == "sign-in-failed" && e.GetProperty("actor").GetString() == intruder);
        // The read of this customer's trail above is itself in the trail.
        Assert.Contains(all, e => e.GetProperty("path").GetString() == "audit-read" && e.GetProperty("customerId").GetString() == id);
    }

    [Fact]
    public async Task A_number_that_moves_to_another_customer_leaves_no_stale_entry()
    {
        var (e164, national) = NewNumber();
        var (other, _) = NewNumber();
        string a = $"move-a-{run}", b = $"move-b-{run}";
        var t = DateTimeOffset.UtcNow.AddHours(-1);
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Profile($"{a}-1", a, t, "Ann Before", [e164])));
        await WaitForScreenPopAsync(e164, ids => ids.SequenceEqual([a]), "the first owner");

        // The number moves: A keeps only another number, B gets it.
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{a}-2", a, t.AddMinutes(1), "Ann Before", [other]),
            EventJson.Profile($"{b}-1", b, t.AddMinutes(1), "Ben After", [national])));
        await WaitForScreenPopAsync(e164, ids => ids.SequenceEqual([b]), "only the new owner");
        await WaitForScreenPopAsync(other, ids => ids.SequenceEqual([a]), "the first owner under the other number");

        // A takes it back as a second number: a shared number again.
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Profile($"{a}-3", a, t.AddMinutes(2), "Ann Before", [other, e164])));
        await WaitForScreenPopAsync(e164, ids => ids.Order().SequenceEqual(new[] { a, b }.Order()), "both owners");
    }

    [Fact]
    public async Task The_desktop_page_is_served_by_the_host_itself_under_a_strict_content_policy()
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Host.BaseAddress };
        using var redirect = await noRedirects.GetAsync(new Uri("/agent", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/agent/", redirect.Headers.Location?.OriginalString);

        using var page = await noRedirects.GetAsync(new Uri("/agent/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<label for=\"user-id\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        using var script = await noRedirects.GetAsync(new Uri("/agent/agent.js", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task An_agent_note_is_recorded_through_the_log_with_the_agent_and_shows_with_the_latest_interactions()
    {
        var id = $"note-{run}";
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{id}-1", id, DateTimeOffset.UtcNow.AddDays(-3), 40m)));
        await host.Api.WaitForAppliedEventsAsync(id, 1);

        var (status, _) = await PostAsync(host, $"/api/customers/{id}/notes", new { text = "wants a call back after 5 pm" }, AgentKey);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var customer = await host.Api.WaitForAppliedEventsAsync(id, 2);
        var latest = customer.GetProperty("recentInteractions")[0];
        Assert.Equal("note", latest.GetProperty("type").GetString());
        Assert.Equal("note by agent1: wants a call back after 5 pm", latest.GetProperty("summary").GetString());

        var (empty, problem) = await PostAsync(host, $"/api/customers/{id}/notes", new { text = " " }, AgentKey);
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Contains("text", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, $"/api/customers/{id}/notes", new { text = "x" }, null)).Status);
    }
}
