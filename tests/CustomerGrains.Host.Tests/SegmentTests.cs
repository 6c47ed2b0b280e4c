using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host of its own (SQLite), holding only the scenario's customers, whose grains write their rows within a second.</summary>
public sealed class SegmentHost : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Snapshots:Interval"] = "00:00:01" };

    public SegmentScenario Scenario => scenario ?? throw new InvalidOperationException("The host is not started.");

    private SegmentScenario? scenario;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        scenario = new SegmentScenario(Host.BaseAddress);
        await scenario.SeedAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        scenario?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary><c>GET /api/customers</c> and <c>/api/segments</c> over real HTTP on the embedded (SQLite) backend.</summary>
public sealed class SegmentTests(SegmentHost host) : IClassFixture<SegmentHost>
{
    [Fact]
    public Task Filters_keep_exactly_the_customers_that_meet_them() => host.Scenario.FiltersKeepExactlyTheCustomersThatMeetThemAsync();

    [Fact]
    public Task Paging_through_a_sorted_list_meets_every_customer_once() => host.Scenario.PagingThroughASortedListMeetsEveryCustomerOnceAsync();

    [Fact]
    public Task Bad_parameters_are_refused_naming_each_of_them() => host.Scenario.BadParametersAreRefusedNamingEachOfThemAsync();

    [Fact]
    public Task Saved_segments_keep_their_filter_count_and_members() => host.Scenario.SavedSegmentsKeepTheirFilterCountAndMembersAsync();

    [Fact]
    public Task An_agent_may_not_list_customers_nor_read_or_write_segments() => host.Scenario.AnAgentIsRefusedAsync();
}
