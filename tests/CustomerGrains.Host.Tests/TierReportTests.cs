using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>The 80/20/30 report over real HTTP: uncalibrated before a measurement, per tier shares after one, for those the access table lets in.</summary>
public sealed class TierReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetReportAsync(ApiClient api, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/population/tiers", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        using var response = await (key is null ? api.Anonymous : api.Http).SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Fact]
    public async Task The_report_is_uncalibrated_until_the_population_is_measured_and_then_gives_each_tier_its_shares()
    {
        using var data = new TempDirectory("tiers");
        await using var host = new HostProcess(data.Path);
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);

        var (status, before) = await GetReportAsync(api, DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("uncalibrated", before.GetProperty("status").GetString());
        Assert.Empty(before.GetProperty("tiers").EnumerateArray());
        Assert.Contains("not been measured", before.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // Figures about tiers, for supervisors and reporting services; not for agents or the telephony system (the access table).
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetReportAsync(api, null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetReportAsync(api, DemoKeys.Agent)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetReportAsync(api, DemoKeys.Cti)).Status);

        // Ten customers: two big spenders, three medium, three small monthly buyers, and two who buy once and call for hours.
        var start = DateTimeOffset.UtcNow.AddDays(-300);
        var events = new List<JsonObject>();
        var expected = new Dictionary<string, int>();
        void Buyer(string id, decimal amount)
        {
            for (var i = 0; i < 9; i++)
            {
                events.Add(EventJson.Purchase($"{id}-p{i}", id, start.AddDays(30 * i), amount, orderId: $"{id}-o{i}"));
            }
            expected[id] = 9;
        }
        foreach (var (id, amount) in new[] { ("a1", 500m), ("a2", 500m), ("b1", 100m), ("b2", 100m), ("b3", 100m), ("c1", 20m), ("c2", 20m), ("c3", 20m) })
        {
            Buyer(id, amount);
        }
        foreach (var id in new[] { "d1", "d2" })
        {
            events.Add(EventJson.Purchase($"{id}-p", id, start, 20m, orderId: $"{id}-o"));
            events.AddRange(Enumerable.Range(0, 10).Select(i => EventJson.Contact($"{id}-call{i}", id, start.AddDays(10 + i), durationSeconds: 3600)));
            expected[id] = 11;
        }
        var (posted, _) = await api.PostEventsAsync(EventJson.Batch([.. events]));
        Assert.Equal(HttpStatusCode.Accepted, posted);
        foreach (var (id, count) in expected)
        {
            await api.WaitForAppliedEventsAsync(id, count);
        }

        // The measurement reads the read model, which the customers write behind their state: measure until it counts all ten.
        var report = await Eventually.UntilAsync(async () =>
            {
                using var refresh = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/maintenance/population-refresh", UriKind.Relative));
                refresh.Headers.Add("X-Api-Key", DemoKeys.Admin);
                using var refreshed = await api.Http.SendAsync(refresh, Ct);
                Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
                return await GetReportAsync(api, DemoKeys.Supervisor);
            },
            r => r.Body.GetProperty("status").GetString() == "measured" && r.Body.GetProperty("customers").GetInt32() == 10,
            "a population measurement that counts all ten customers");

        var body = report.Body;
        Assert.StartsWith("p", body.GetProperty("populationVersion").GetString(), StringComparison.Ordinal);
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        var tiers = body.GetProperty("tiers").EnumerateArray().ToArray();
        Assert.Equal(["A", "B", "C", "D"], tiers.Select(t => t.GetProperty("tier").GetString()));
        Assert.Equal(["Platinum", "Gold", "Silver", "Bronze"], tiers.Select(t => t.GetProperty("displayName").GetString()));
        Assert.Equal([2, 3, 3, 2], tiers.Select(t => t.GetProperty("customers").GetInt32()));
        Assert.Equal([0.2, 0.3, 0.3, 0.2], tiers.Select(t => t.GetProperty("customerShare").GetDouble()));
        Assert.Equal([9000.0, 2700, 540, 40], tiers.Select(t => t.GetProperty("revenue").GetDouble()));
        Assert.Equal(1.0, tiers.Sum(t => t.GetProperty("revenueShare").GetDouble()), 3);
        Assert.True(tiers[0].GetProperty("profitShare").GetDouble() > 0.8, "the top fifth brings most of the profit");
        Assert.True(tiers[3].GetProperty("profit").GetDouble() < 0 && tiers[3].GetProperty("profitShare").GetDouble() < 0, "the loss-makers lose money");
    }
}
