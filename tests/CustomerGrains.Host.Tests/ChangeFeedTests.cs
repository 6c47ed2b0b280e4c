using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host of its own (SQLite) whose grains write their read-model rows, and so their changes, within a second.</summary>
public sealed class ChangeFeedHost : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Snapshots:Interval"] = "00:00:01" };

    public ChangeFeedScenario Scenario => scenario ??= new ChangeFeedScenario(Host.BaseAddress);

    private ChangeFeedScenario? scenario;

    public override async ValueTask DisposeAsync()
    {
        scenario?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary><c>GET /api/changes</c> over real HTTP on the embedded (SQLite) backend.</summary>
public sealed class ChangeFeedTests(ChangeFeedHost host) : IClassFixture<ChangeFeedHost>
{
    [Fact]
    public Task Changes_from_events_from_time_alone_and_into_and_out_of_segments_appear_once_in_order() =>
        host.Scenario.ChangesFromEventsTimeAndSegmentsAppearOnceInOrderAsync();

    [Fact]
    public Task A_reader_resuming_from_its_position_misses_nothing_and_repeats_nothing() =>
        host.Scenario.AReaderResumingFromItsPositionMissesNothingAndRepeatsNothingAsync();

    [Fact]
    public Task The_stream_resumes_after_the_last_event_id() => host.Scenario.TheStreamResumesAfterTheLastEventIdAsync();

    [Fact]
    public Task Bad_parameters_are_refused_naming_each_and_agents_may_not_read_the_feed() =>
        host.Scenario.BadParametersAreRefusedAndAgentsMayNotReadAsync();
}
