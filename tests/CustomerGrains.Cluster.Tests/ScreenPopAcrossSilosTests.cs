using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// The screen-pop in a cluster: the telephony system rings through one silo while the agent's page is connected to
/// another; the phone directory and the audit trail are shared through PostgreSQL.
/// </summary>
public sealed class ScreenPopAcrossSilosTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HostProcess silo, HttpMethod method, string path, string key, object? body = null)
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Api-Key", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_ring_announced_on_one_silo_pops_the_card_on_a_desktop_connected_to_another()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2);
        var (ringSilo, deskSilo) = (cluster.Silos[0], cluster.Silos[1]);
        const string id = "pop-across";
        const string e164 = "+14155550123";
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        using (var ingest = new ApiClient(ringSilo.BaseAddress))
        {
            var (status, _) = await ingest.PostEventsAsync(EventJson.Batch(
                EventJson.Profile("pop-1", id, now.AddDays(-50), "Cleo Cluster", ["(415) 555-0123"]),
                EventJson.Purchase("pop-2", id, now.AddDays(-40), 250m)));
            Assert.Equal(HttpStatusCode.Accepted, status);
        }
        // The directory entry is in the shared grain storage: the other silo finds the customer.
        await Eventually.UntilAsync(
            () => SendAsync(deskSilo, HttpMethod.Get, $"/api/screenpop?ani={Uri.EscapeDataString(e164)}", "demo-agent1-key"),
            r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("customers").GetArrayLength() == 1,
            "the customer to be found by number on the other silo", TimeSpan.FromSeconds(60));

        using var desk = new HttpClient { BaseAddress = deskSilo.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var feed = await DesktopFeed.OpenAsync(desk, "demo-agent1-key", Ct);
        await feed.NextAsync("ready", Ct);

        var (rang, answer) = await SendAsync(ringSilo, HttpMethod.Post, "/api/calls", "demo-cti-key",
            new { callId = "call-across", ani = "415-555-0123", agentId = "agent1" });
        Assert.True(rang == HttpStatusCode.OK, answer.ToString());
        Assert.Equal(1, answer.GetProperty("desktops").GetInt32());
        var call = await feed.NextAsync("call", Ct);
        Assert.Equal("call-across", call.GetProperty("callId").GetString());
        Assert.Equal(id, call.GetProperty("cards")[0].GetProperty("customer").GetProperty("customerId").GetString());

        // A complaint ingested through the ringing silo reaches the desktop on the other one.
        using (var ingest = new ApiClient(ringSilo.BaseAddress))
        {
            await ingest.PostEventsAsync(EventJson.Batch(EventJson.ComplaintOpened("pop-3", id, DateTimeOffset.UtcNow.AddSeconds(-5), "k-1")));
        }
        var update = await feed.NextAsync("card", Ct);
        Assert.Equal("k-1", update.GetProperty("card").GetProperty("customer").GetProperty("openComplaints")[0].GetProperty("complaintId").GetString());

        // Both silos wrote to one audit trail.
        var (_, audit) = await SendAsync(ringSilo, HttpMethod.Get, $"/api/audit?customerId={id}", "demo-super1-key");
        var paths = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "screenpop", "ring", "pop", "live-update" }, paths);
    }

    [Fact]
    public async Task Screen_pop_lookups_keep_answering_while_a_killed_silo_is_replaced()
    {
        // A budget well above the cluster's time to declare a silo dead (about 6 s with these membership settings).
        await using var cluster = await PostgresCluster.StartAsync(silos: 3, new Dictionary<string, string> { ["Reads:SiloLossRetry"] = "00:00:30" });
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        var numbers = Enumerable.Range(0, 60).Select(i => $"+1415555{i:0000}").ToArray();
        using (var ingest = new ApiClient(cluster.Silos[0].BaseAddress))
        {
            var (status, body) = await ingest.PostEventsAsync(EventJson.Batch([.. numbers.Select((number, i) =>
                EventJson.Profile($"kill-pop-{i}", $"kill-pop-{i}", now.AddDays(-10), $"Customer {i}", [number]))]));
            Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        }
        var survivors = cluster.Silos.Take(2).ToArray();
        async Task<string?> LookUpAsync(int n)
        {
            var number = numbers[n % numbers.Length];
            var (status, body) = await SendAsync(survivors[n % 2], HttpMethod.Get, $"/api/screenpop?ani={Uri.EscapeDataString(number)}", "demo-agent1-key");
            return status == HttpStatusCode.OK && body.GetProperty("customers").GetArrayLength() == 1
                ? null
                : $"{number} through silo {n % 2 + 1}: {(int)status} {body}";
        }
        // Every customer and directory entry is active somewhere in the cluster, a third of them on the silo to be killed.
        for (var n = 0; n < numbers.Length; n++)
        {
            var i = n;
            await Eventually.UntilAsync(() => LookUpAsync(i), failure => failure is null, $"{numbers[i]} to be found", TimeSpan.FromSeconds(60));
        }

        using var stop = new CancellationTokenSource();
        var lookups = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var n = c; !stop.IsCancellationRequested; n += 4)
            {
                if (await LookUpAsync(n) is { } failure)
                {
                    failures.Add(failure);
                }
                Interlocked.Increment(ref lookups);
            }
        })).ToArray();
        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref lookups) >= 40), "lookups to run before the kill");
        await cluster.Silos[2].KillAsync();
        var atKill = Volatile.Read(ref lookups);
        // Three rounds over every number after the kill: the killed silo's customers must have been found on the others.
        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref lookups) >= atKill + 3 * numbers.Length),
            "lookups to go on after the kill", TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {lookups} lookups failed: {string.Join("\n", failures.Take(5))}");
    }
}
