using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>Each test runs its own host so it can stop, kill and restart it on the same data.</summary>
public sealed class RestartTests
{
    private static readonly DateTimeOffset Day = new(2026, 9, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task State_survives_a_graceful_restart()
    {
        using var data = new TempDirectory("restart");
        await using (var first = new HostProcess(data.Path))
        {
            await first.StartAsync();
            using var api = new ApiClient(first.BaseAddress);
            await api.PostEventsAsync(EventJson.Batch(
                EventJson.Purchase("r1", "anna", Day, 40m),
                EventJson.Purchase("r2", "anna", Day.AddDays(5), 60m)));
            await api.WaitForAppliedEventsAsync("anna", 2);
            await first.StopAsync();
        }

        await using var second = new HostProcess(data.Path);
        await second.StartAsync();
        using var again = new ApiClient(second.BaseAddress);
        var (status, snapshot) = await again.GetCustomerAsync("anna");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, snapshot.GetProperty("appliedEvents").GetInt32());
        Assert.Equal(100m, snapshot.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
    }

    [Fact]
    public async Task Acknowledged_events_survive_a_kill_before_any_snapshot_was_written()
    {
        using var data = new TempDirectory("kill");
        // Snapshots so rare that none is written: after the kill only the log holds the events.
        var settings = new Dictionary<string, string> { ["Snapshots:EveryEvents"] = "100000", ["Snapshots:Interval"] = "01:00:00" };
        await using (var first = new HostProcess(data.Path, settings))
        {
            await first.StartAsync();
            using var api = new ApiClient(first.BaseAddress);
            var (status, _) = await api.PostEventsAsync(EventJson.Batch(
                EventJson.Purchase("k1", "ben", Day, 25m),
                EventJson.Contact("k2", "ben", Day.AddDays(1), emotion: "anxious"),
                EventJson.Purchase("k3", "ben", Day.AddDays(2), 35m)));
            Assert.Equal(HttpStatusCode.Accepted, status);
            await first.KillAsync();
        }

        await using var second = new HostProcess(data.Path, settings);
        await second.StartAsync();
        using var again = new ApiClient(second.BaseAddress);
        var snapshot = await again.WaitForAppliedEventsAsync("ben", 3);
        Assert.Equal(3, snapshot.GetProperty("appliedEvents").GetInt32());
        Assert.Equal(60m, snapshot.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
        Assert.Equal("anxious", snapshot.GetProperty("lastMood").GetProperty("emotion").GetString());
    }

    [Fact]
    public async Task Customer_ids_that_differ_only_in_letter_case_stay_apart_across_a_restart()
    {
        using var data = new TempDirectory("keys");
        await using (var first = new HostProcess(data.Path))
        {
            await first.StartAsync();
            using var api = new ApiClient(first.BaseAddress);
            await api.PostEventsAsync(EventJson.Batch(EventJson.Purchase("x1", "c1", Day, 10m)));
            await api.PostEventsAsync(EventJson.Batch(EventJson.Purchase("x2", "C1", Day, 99m)));
            await api.WaitForAppliedEventsAsync("c1", 1);
            await api.WaitForAppliedEventsAsync("C1", 1);
            await first.StopAsync();
        }

        await using var second = new HostProcess(data.Path);
        await second.StartAsync();
        using var again = new ApiClient(second.BaseAddress);
        var lower = await again.WaitForAppliedEventsAsync("c1", 1);
        var upper = await again.WaitForAppliedEventsAsync("C1", 1);
        Assert.Equal(10m, lower.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
        Assert.Equal(99m, upper.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
    }

    [Fact]
    public async Task Every_lookup_answered_before_a_kill_is_in_the_audit_trail_after_the_restart()
    {
        using var data = new TempDirectory("audit-kill");
        const string phone = "+13125550142";
        const int lookups = 25;
        await using (var first = new HostProcess(data.Path))
        {
            await first.StartAsync();
            using var api = new ApiClient(first.BaseAddress);
            await api.PostEventsAsync(EventJson.Batch(EventJson.Profile("al-p", "al", Day, "Al Audit", [phone])));
            await Eventually.UntilAsync(() => ScreenPopAsync(api, phone), body => body.Contains("\"al\"", StringComparison.Ordinal), "al on the screen-pop");
            // Lookups answered back to back, then the host dies at once: no copy of the journal may have run since.
            var answered = 1;
            for (var i = 1; i < lookups; i++)
            {
                await ScreenPopAsync(api, phone);
                answered++;
            }
            Assert.Equal(lookups, answered);
            await first.KillAsync();
        }

        await using var second = new HostProcess(data.Path);
        await second.StartAsync();
        using var again = new ApiClient(second.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/audit?customerId=al&limit=500");
        request.Headers.Add(DemoKeys.Header, DemoKeys.Supervisor);
        using var response = await again.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var page = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var entries = page.RootElement.GetProperty("entries").EnumerateArray().ToList();
        // Every answered lookup once (the waits for the customer to appear may add lookups before them, never fewer).
        Assert.True(entries.Count(e => e.GetProperty("path").GetString() == "screenpop") >= lookups,
            $"{entries.Count} entries for al after the restart, {lookups} lookups answered before the kill");
        Assert.Equal(entries.Count, entries.Select(e => e.GetProperty("id").GetInt64()).Distinct().Count());
    }

    private static async Task<string> ScreenPopAsync(ApiClient api, string phone)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/screenpop?ani={Uri.EscapeDataString(phone)}");
        request.Headers.Add(DemoKeys.Header, DemoKeys.Agent);
        using var response = await api.Http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
