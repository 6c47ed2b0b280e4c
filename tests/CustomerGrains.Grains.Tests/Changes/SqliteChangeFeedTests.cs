using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Segments;
using CustomerGrains.Grains.Tests.Storage;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Tests.Changes;

/// <summary>The change feed as the embedded (SQLite) stores write it with the read-model rows and the alerts.</summary>
public sealed class SqliteChangeFeedTests
{
    internal static readonly DateTimeOffset Day = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static CustomerReadModelRow Row(string id, string stage, string tier, double netValue, DateTimeOffset at) =>
        new(id, new ValueInputs { FirstPurchaseAt = Day.AddDays(-30), TotalPurchaseCount = 2, TotalNetSpend = 80 }, stage, null, null, at)
        {
            Figures = new SegmentFigures(tier, netValue, 0.8, "frequency", "focus"),
        };

    [Fact]
    public async Task A_row_written_again_unchanged_publishes_nothing_and_segment_membership_follows_the_filter()
    {
        using var data = new TempDirectory("changes");
        var databases = await MigratedStore.InAsync(data.Path, Ct);
        await using var readModel = new SqliteCustomerReadModel(databases);
        var segments = new SqliteSegmentStore(databases);
        var feed = new SqliteChangeStore(databases);
        await segments.PutAsync("valuable", new SegmentDefinition { Filter = new CustomerFilter { MinNetValue = 100 } }, Day, Ct);

        await readModel.UpsertAsync(Row("c-1", "formation", "B", 60, Day), Ct);
        // The same assessment written again (a grain re-applying its events after a crash): nothing new.
        await readModel.UpsertAsync(Row("c-1", "formation", "B", 60, Day.AddMinutes(1)), Ct);
        await readModel.UpsertAsync(Row("c-1", "formation", "A", 140, Day.AddMinutes(2)), Ct);
        await readModel.UpsertAsync(Row("c-1", "formation", "A", 90, Day.AddMinutes(3)), Ct);

        var changes = await feed.ReadAsync(0, 100, Ct);
        Assert.Equal(
            [
                ("tier", null, "B"), ("stage", null, "formation"), ("marketingMode", null, "frequency"), ("selectionQuadrant", null, "focus"),
                ("tier", "B", "A"), ("segmentEntered", null, "valuable"),
                ("segmentLeft", "valuable", null),
            ],
            changes.Select(c => (c.Kind, c.From, c.To)));
        Assert.Equal(changes.Select(c => c.Position).Order(), changes.Select(c => c.Position));
        Assert.Equal(Day.AddMinutes(2), changes[5].At);

        // An alert is published once, however often it is noticed.
        var alerts = new SqliteCustomerAlerts(databases);
        var alert = new CustomerAlert(0, "c-1", "stageChangedByTime", "formation", "decline", Day.AddDays(1), "no purchase for 90 days");
        await alerts.AppendAsync(alert, Ct);
        await alerts.AppendAsync(alert, Ct);
        var published = Assert.Single(await feed.ReadAsync(changes[^1].Position, 100, Ct));
        Assert.Equal((CustomerChangeKinds.Alert, "formation", "decline", "stageChangedByTime: no purchase for 90 days"),
            (published.Kind, published.From, published.To, published.Detail));
        SqliteConnection.ClearAllPools();
    }
}
