using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A CTI ring reaches the agent's open desktop connection (server-sent events), and the card follows the customer live.</summary>
[Collection(HostCollection.Name)]
public sealed class CallRingTests(SharedHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_ring_pops_the_card_on_the_agents_desktop_and_a_new_complaint_updates_it_live()
    {
        var id = $"ring-{run}";
        var n = Random.Shared.Next(2_000_000, 3_000_000);
        var e164 = $"+1415{n}";
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{id}-p", id, now.AddDays(-90), "Rosa Ring", [e164]),
            EventJson.Purchase($"{id}-1", id, now.AddDays(-60), 300m),
            EventJson.Contact($"{id}-2", id, now.AddMinutes(-30), emotion: "angry")));
        await host.Api.WaitForAppliedEventsAsync(id, 3);
        await Eventually.UntilAsync(
            () => ScreenPopTests.GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(e164)}", ScreenPopTests.AgentKey),
            r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("customers").GetArrayLength() == 1, "the number in the directory");

        using var feed = await DesktopFeed.OpenAsync(host.Api.Http, ScreenPopTests.AgentKey, Ct);
        Assert.Equal("agent1", (await feed.NextAsync("ready", Ct)).GetProperty("agentId").GetString());

        var callId = $"call-{run}";
        var (status, answer) = await ScreenPopTests.PostAsync(host, "/api/calls",
            new { callId, ani = $"1 (415) {n / 10_000}-{n % 10_000:D4}", dnis = "8005550100", agentId = "agent1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, answer.GetProperty("desktops").GetInt32());
        Assert.Equal(e164, answer.GetProperty("e164").GetString());
        // The telephony system learns what was pushed, not whom: no card data in its answer.
        Assert.Equal(1, answer.GetProperty("cards").GetInt32());
        Assert.False(answer.TryGetProperty("customers", out _), answer.ToString());
        Assert.DoesNotContain(id, answer.GetRawText(), StringComparison.Ordinal);

        var call = await feed.NextCallAsync(callId, Ct);
        Assert.Equal(callId, call.GetProperty("callId").GetString());
        var card = Assert.Single(call.GetProperty("cards").EnumerateArray());
        Assert.Equal(id, card.GetProperty("customer").GetProperty("customerId").GetString());
        Assert.Equal("angry-customer-recovery", card.GetProperty("decision").GetProperty("treatment").GetProperty("recoveryScript").GetString());
        Assert.StartsWith("+•••", card.GetProperty("customer").GetProperty("profile").GetProperty("phones")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(card.GetProperty("customer").GetProperty("openComplaints").EnumerateArray());

        // A complaint opened on the web while the agent is on the call reaches the desktop without asking.
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.ComplaintOpened($"{id}-3", id, DateTimeOffset.UtcNow.AddSeconds(-5), "k-web")));
        var update = await feed.NextAsync("card", Ct);
        Assert.Equal(callId, update.GetProperty("callId").GetString());
        var complaint = Assert.Single(update.GetProperty("card").GetProperty("customer").GetProperty("openComplaints").EnumerateArray());
        Assert.Equal("k-web", complaint.GetProperty("complaintId").GetString());

        // The pop is in the audit trail under the agent, the ring under the telephony system.
        var (_, audit) = await ScreenPopTests.GetAsync(host, $"/api/audit?customerId={id}", ScreenPopTests.SupervisorKey);
        var paths = audit.GetProperty("entries").EnumerateArray().Select(e => $"{e.GetProperty("path").GetString()}:{e.GetProperty("actor").GetString()}").ToList();
        Assert.Contains("ring:cti", paths);
        Assert.Contains("pop:agent1", paths);
        Assert.Contains("live-update:agent1", paths);
    }

    [Fact]
    public async Task A_ring_for_an_agent_without_an_open_desktop_says_so_and_a_bad_ring_lists_every_problem()
    {
        var (status, answer) = await ScreenPopTests.PostAsync(host, "/api/calls",
            new { callId = $"c-{run}", ani = "+1 646 555 0199", agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, answer.GetProperty("desktops").GetInt32());
        Assert.Equal(0, answer.GetProperty("cards").GetInt32());

        (status, answer) = await ScreenPopTests.PostAsync(host, "/api/calls", new { ani = "12", agentId = "nobody" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = answer.GetProperty("detail").GetString()!;
        Assert.Contains("callId: is required", detail, StringComparison.Ordinal);
        Assert.Contains("agentId: 'nobody' is not a configured agent", detail, StringComparison.Ordinal);
        Assert.Contains("ani: '12' is too short", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hang_up_ends_the_call_on_the_desktop_and_a_page_opened_during_a_call_shows_that_call()
    {
        var callId = $"hang-up-{run}";
        var (rang, _) = await ScreenPopTests.PostAsync(host, "/api/calls", new { callId, ani = "+1 646 555 0177", agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, rang);

        // The page opens after the ring (a reload, a second tab): it gets the call in progress.
        var feed = await DesktopFeed.OpenAsync(host.Api.Http, ScreenPopTests.SupervisorKey, Ct);
        await feed.NextAsync("ready", Ct);
        Assert.Equal(callId, (await feed.NextCallAsync(callId, Ct)).GetProperty("callId").GetString());

        var (status, answer) = await ScreenPopTests.PostAsync(host, $"/api/calls/{callId}/end", new { agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((callId, "super1"), (answer.GetProperty("callId").GetString(), answer.GetProperty("agentId").GetString()));
        Assert.True(answer.GetProperty("desktops").GetInt32() >= 1, answer.ToString());
        var ended = await feed.NextAsync("ended", Ct);
        Assert.Equal(callId, ended.GetProperty("callId").GetString());
        Assert.True(DateTimeOffset.UtcNow - ended.GetProperty("endedAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1));

        // Ended once: again, or an agent nobody knows, is refused saying why.
        (status, answer) = await ScreenPopTests.PostAsync(host, $"/api/calls/{callId}/end", new { agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("is not an open call of super1", answer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (status, answer) = await ScreenPopTests.PostAsync(host, $"/api/calls/{callId}/end", new { agentId = "nobody" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'nobody' is not a configured agent", answer.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await CloseSupervisorFeedAsync(feed);
    }

    /// <summary>The supervisor leaves no open desktop behind for the other tests: closed, and seen closed by the engine.</summary>
    private async Task CloseSupervisorFeedAsync(DesktopFeed feed)
    {
        feed.Dispose();
        await Eventually.UntilAsync(async () =>
        {
            var (_, probe) = await ScreenPopTests.PostAsync(host, "/api/calls", new { callId = $"probe-{run}", ani = "+1 646 555 0177", agentId = "super1" }, ScreenPopTests.CtiKey);
            return probe.GetProperty("desktops").GetInt32() == 0;
        }, "the closed desktop to be dropped");
        await ScreenPopTests.PostAsync(host, $"/api/calls/probe-{run}/end", new { agentId = "super1" }, ScreenPopTests.CtiKey);
    }

    [Fact]
    public async Task A_second_call_queues_beside_the_first_a_page_opened_then_gets_both_and_an_answer_marks_one_on_call()
    {
        var (first, second) = ($"queued-1-{run}", $"queued-2-{run}");
        foreach (var callId in new[] { first, second })
        {
            var (rang, _) = await ScreenPopTests.PostAsync(host, "/api/calls", new { callId, ani = "+1 646 555 0166", agentId = "super1" }, ScreenPopTests.CtiKey);
            Assert.Equal(HttpStatusCode.OK, rang);
        }

        // The second ring did not replace the first: a page opened now gets both, oldest first, both still ringing.
        var feed = await DesktopFeed.OpenAsync(host.Api.Http, ScreenPopTests.SupervisorKey, Ct);
        var ready = await feed.NextAsync("ready", Ct);
        Assert.Equal("EUR", ready.GetProperty("currency").GetString());
        var shown = await feed.NextCallAsync(first, Ct);
        Assert.False(shown.TryGetProperty("answeredAt", out var none) && none.ValueKind != System.Text.Json.JsonValueKind.Null, shown.ToString());
        await feed.NextCallAsync(second, Ct);

        var (status, answer) = await ScreenPopTests.PostAsync(host, $"/api/calls/{second}/answer", new { agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(answer.GetProperty("desktops").GetInt32() >= 1, answer.ToString());
        var answered = await feed.NextCallAsync(second, Ct);
        Assert.True(DateTimeOffset.UtcNow - answered.GetProperty("answeredAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1), answered.ToString());

        // Hanging up one leaves the other open; a call that never rang cannot be answered.
        (status, _) = await ScreenPopTests.PostAsync(host, $"/api/calls/{first}/end", new { agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, answer) = await ScreenPopTests.PostAsync(host, $"/api/calls/never-{run}/answer", new { agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("is not an open call of super1", answer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (status, _) = await ScreenPopTests.PostAsync(host, $"/api/calls/{second}/end", new { agentId = "super1" }, ScreenPopTests.CtiKey);
        Assert.Equal(HttpStatusCode.OK, status);
        await CloseSupervisorFeedAsync(feed);
    }
}
