using CustomerGrains.Client.Tests;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Cluster.Tests;

/// <summary><c>GET /api/changes</c> over real HTTP on the cluster backend (PostgreSQL), the same checks as on SQLite, with two silos writing.</summary>
public sealed class ChangeFeedTests
{
    [Fact]
    public async Task Changes_appear_once_in_order_and_a_resuming_reader_misses_nothing_as_on_sqlite()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2, new Dictionary<string, string> { ["Snapshots:Interval"] = "00:00:01" });
        using var scenario = new ChangeFeedScenario(cluster.Silos[0].BaseAddress);
        var timeout = TimeSpan.FromSeconds(90);

        await scenario.ChangesFromEventsTimeAndSegmentsAppearOnceInOrderAsync(timeout);
        await scenario.AReaderResumingFromItsPositionMissesNothingAndRepeatsNothingAsync(timeout);
        await scenario.TheStreamResumesAfterTheLastEventIdAsync(timeout);
        await scenario.BadParametersAreRefusedAndAgentsMayNotReadAsync();
    }

    [Fact]
    public async Task A_cluster_client_follows_the_change_stream_in_feed_order_and_resumes_from_its_last_position()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2, new Dictionary<string, string> { ["Snapshots:Interval"] = "00:00:01" });
        var service = await cluster.StartClientAsync();
        try
        {
            // Events enter through one silo, the stream's one queue is read by whichever silo its agent is on.
            using var scenario = new ChangeStreamScenario(service.Services.GetRequiredService<IClusterClient>(), cluster.Silos[1].BaseAddress, TimeSpan.FromSeconds(90));
            await scenario.FollowAndResumeAsync();
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }
}
