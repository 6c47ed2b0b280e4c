using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary><c>GET /api/customers</c> and <c>/api/segments</c> over real HTTP on the cluster backend (PostgreSQL), the same checks as on SQLite.</summary>
public sealed class SegmentTests
{
    [Fact]
    public async Task Lists_and_saved_segments_filter_sort_page_count_and_refuse_as_on_sqlite()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 1, new Dictionary<string, string> { ["Snapshots:Interval"] = "00:00:01" });
        using var scenario = new SegmentScenario(cluster.Silos[0].BaseAddress);
        await scenario.SeedAsync(TimeSpan.FromSeconds(90));

        await scenario.FiltersKeepExactlyTheCustomersThatMeetThemAsync();
        await scenario.PagingThroughASortedListMeetsEveryCustomerOnceAsync();
        await scenario.BadParametersAreRefusedNamingEachOfThemAsync();
        await scenario.SavedSegmentsKeepTheirFilterCountAndMembersAsync();
        await scenario.AnAgentIsRefusedAsync();
    }
}
