using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>The activation collection settings (<c>Orleans:Collection</c>) reach the silo.</summary>
public sealed class ActivationCollectionTests
{
    [Fact]
    public async Task A_collection_age_not_above_the_collection_period_stops_the_host_with_a_message_naming_it()
    {
        using var data = new TempDirectory("collection-age");
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Orleans:Collection:CollectionQuantum"] = "00:01:00",
            ["Orleans:Collection:CollectionAge"] = "00:00:30",
        });
        Assert.NotEqual(0, await host.RunUntilExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("CollectionAge is set to 00:00:30", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_deactivated_for_being_idle_comes_back_with_everything_it_had()
    {
        using var data = new TempDirectory("collection-idle");
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Orleans:Collection:CollectionQuantum"] = "00:00:01",
            ["Orleans:Collection:CollectionAge"] = "00:00:02",
            ["Logging:LogLevel:CustomerGrains.Grains.Customers.CustomerGrain"] = "Debug",
        });
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        var day = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
        await api.PostEventsAsync(EventJson.Batch(EventJson.Purchase("idle-1", "idle", day, 30m), EventJson.Purchase("idle-2", "idle", day.AddDays(3), 45m)));
        var before = await api.WaitForAppliedEventsAsync("idle", 2);

        // Collected after two idle seconds at the latest three seconds later: the host's log says when it deactivated.
        await Eventually.UntilAsync(() => Task.FromResult(host.Output), o => o.Contains("Customer idle deactivated (ActivationIdle)", StringComparison.Ordinal),
            "the customer's idle deactivation");
        var after = await api.WaitForAppliedEventsAsync("idle", 2);
        Assert.Equal(before.GetProperty("purchases").GetProperty("netSpend").GetDecimal(), after.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
        await host.StopAsync();
    }
}
