using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Client.Tests;

/// <summary>
/// The change feed as an Orleans stream, followed by a backend service's cluster client against a real engine process
/// (SQLite): in the feed's order with its positions, and resumed from the last position handled, to the same engine or
/// after the engine restarted.
/// </summary>
public sealed class ChangeStreamTests
{
    private static readonly Dictionary<string, string> Settings = new() { ["Snapshots:Interval"] = "00:00:01" };
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_consumer_receives_every_change_in_feed_order_and_resumes_from_its_last_position_also_after_a_restart()
    {
        using var data = new TempDirectory("stream");
        long last;
        string[] missedAcrossRestart;
        await using (var engine = new HostProcess(data.Path, Settings))
        {
            await engine.StartAsync();
            using var service = await ConnectAsync(engine);
            using var scenario = new ChangeStreamScenario(service.Services.GetRequiredService<IClusterClient>(), engine.BaseAddress, Timeout);
            last = await scenario.FollowAndResumeAsync();

            // Changes the consumer misses before the engine stops.
            await scenario.IngestAsync("d", "e");
            await scenario.WaitForStagesInTheFeedAsync(last, "d", "e");
            missedAcrossRestart = [scenario.Customer("d"), scenario.Customer("e")];
            await service.StopAsync(CancellationToken.None);
            await engine.StopAsync();
        }

        // After a restart the stream's agent starts at the newest change: what the consumer missed before it comes
        // from the table, in order, then the rest.
        await using var again = new HostProcess(data.Path, Settings);
        await again.StartAsync();
        using var serviceAgain = await ConnectAsync(again);
        using var scenarioAgain = new ChangeStreamScenario(serviceAgain.Services.GetRequiredService<IClusterClient>(), again.BaseAddress, Timeout);
        var resumed = await scenarioAgain.SubscribeAsync(last);
        var caughtUp = await resumed.WaitForStageOfAsync(missedAcrossRestart);
        await scenarioAgain.AssertAsInTheFeedAsync(last, caughtUp);
        await resumed.UnsubscribeAsync();
        await serviceAgain.StopAsync(CancellationToken.None);
    }

    private static async Task<IHost> ConnectAsync(HostProcess engine)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddCustomerGrainsClient(o => o.Gateways.Add($"127.0.0.1:{engine.GatewayPort}"));
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
