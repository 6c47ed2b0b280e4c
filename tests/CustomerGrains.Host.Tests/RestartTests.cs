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
}
