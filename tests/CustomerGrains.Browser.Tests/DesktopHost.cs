using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Browser.Tests;

/// <summary>
/// A real host for the desktop tests, with a measured population of ordinary customers, so that a customer who
/// buys a lot is tier A. Snapshots (and with them the read model the population is measured from) are written every
/// second, and silos look for a new population every half second.
/// </summary>
public sealed class DesktopHost : RunningHost, IAsyncLifetime
{
    public const string AgentKey = "demo-agent1-key";
    public const string SupervisorKey = "demo-super1-key";
    public const string CtiKey = "demo-cti-key";
    private const int Population = 20;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Snapshots:Interval"] = "00:00:01",
        ["ValueModel:RefreshInterval"] = "00:00:00.500",
        ["Agents:SessionCheckInterval"] = "00:00:01",
        // The tests sign agent1 in more often than a person would in a minute; the limit has a test of its own.
        ["Agents:SignIn:PerUser"] = "50",
    };

    /// <summary>The desktop page's address as the README gives it (redirected to <c>/agent/</c>, whose default file is the page).</summary>
    public const string DesktopPath = "/agent";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var now = DateTimeOffset.UtcNow;
        var ordinary = Enumerable.Range(0, Population)
            .Select(i => EventJson.Purchase($"pop-{i}", $"pop-{i}", now.AddDays(-90 - i), 20m + i))
            .ToArray();
        var (status, body) = await Api.PostEventsAsync(EventJson.Batch(ordinary));
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        for (var i = 0; i < Population; i++)
        {
            await Api.WaitForAppliedEventsAsync($"pop-{i}", 1);
        }
        // The measurement reads the read model, which fills as snapshots are written: retry until it finds customers.
        await Eventually.UntilAsync(async () =>
        {
            using var response = await Api.Http.PostAsync(new Uri("/api/maintenance/population-refresh", UriKind.Relative), null);
            var measured = await response.Content.ReadFromJsonAsync<JsonObject>();
            return response.IsSuccessStatusCode && measured?["populationVersion"] is not null;
        }, "the population of ordinary customers to be measured");
    }

    public async Task PostAsync(params JsonObject[] events)
    {
        var (status, body) = await Api.PostEventsAsync(EventJson.Batch(events));
        Assert.True(status == HttpStatusCode.Accepted, $"ingest answered {(int)status}: {body}");
    }

    /// <summary><c>GET /api/screenpop?ani=</c> with an API key: the response as that key's role sees it.</summary>
    public async Task<JsonElement> ScreenPopAsync(string ani, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/screenpop?ani={Uri.EscapeDataString(ani)}&view=full", UriKind.Relative));
        request.Headers.Add("X-Api-Key", key);
        using var response = await Api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"screenpop answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The telephony system announces a ringing call (<c>POST /api/calls</c> with the CTI key); returns the response.</summary>
    public async Task<JsonElement> RingAsync(string callId, string ani, string agentId)
    {
        rung.Enqueue((agentId, callId));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/calls", UriKind.Relative))
        {
            Content = JsonContent.Create(new { callId, ani, dnis = "800 555 0100", agentId }),
        };
        request.Headers.Add("X-Api-Key", CtiKey);
        using var response = await Api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"the ring answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string AgentId, string CallId)> rung = new();

    /// <summary>The telephony system hangs up (<c>POST /api/calls/{callId}/end</c>); returns the status.</summary>
    public Task<HttpStatusCode> EndCallAsync(string callId, string agentId) => CallAsync(callId, agentId, "end");

    /// <summary>The telephony system says the agent picked up (<c>answer</c>) or hung up (<c>end</c>); returns the status.</summary>
    public async Task<HttpStatusCode> CallAsync(string callId, string agentId, string change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/calls/{Uri.EscapeDataString(callId)}/{change}", UriKind.Relative))
        {
            Content = JsonContent.Create(new { agentId }),
        };
        request.Headers.Add("X-Api-Key", CtiKey);
        using var response = await Api.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Hangs up every call a test rang, so the next test's page does not open on it (a page shows the open calls).</summary>
    public async Task EndCallsAsync()
    {
        while (rung.TryDequeue(out var call))
        {
            await EndCallAsync(call.CallId, call.AgentId);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DesktopCollection : ICollectionFixture<DesktopHost>
{
    public const string Name = "agent desktop host";
}
