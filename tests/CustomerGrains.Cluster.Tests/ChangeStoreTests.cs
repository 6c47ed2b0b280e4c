using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Grains.Value;

namespace CustomerGrains.Cluster.Tests;

/// <summary>The change feed on a real PostgreSQL, written by several silos at once.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ChangeStoreTests(PostgresServer server)
{
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reader_tailing_the_feed_never_skips_a_change_that_commits_after_a_higher_position_nor_sees_one_twice()
    {
        await using var database = new PostgresDatabase(await server.NewDatabaseAsync());
        await database.MigrateAsync(Ct);
        // One pool per silo, as in a cluster; rows and alerts written at once, each first row with four changes.
        var silos = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(database.ConnectionString)).ToArray();
        const int PerWriter = 40;
        var writing = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var readModel = new PostgresCustomerReadModel(silos[w % silos.Length]);
            var alerts = new PostgresCustomerAlerts(silos[w % silos.Length]);
            for (var k = 0; k < PerWriter; k++)
            {
                var id = $"w{w}-c{k}";
                CustomerReadModelRow Row(DateTimeOffset at) => new(id, new ValueInputs(), "formation", null, null, at)
                {
                    Figures = new SegmentFigures(k % 2 == 0 ? "A" : "B", 10 * k, 0.5, "mass", "passive"),
                };
                await readModel.UpsertAsync(Row(Day), Ct);
                // Written again unchanged (a grain re-applying after a crash): nothing published.
                await readModel.UpsertAsync(Row(Day.AddMinutes(1)), Ct);
                await alerts.AppendAsync(new CustomerAlert(0, id, "stageChangedByTime", "formation", "decline", Day.AddDays(1), "test"), Ct);
            }
        }, Ct)));

        // Tailed as a consumer of GET /api/changes does: always after the last position seen.
        var feed = new PostgresChangeStore(database);
        var seen = new List<long>();
        var last = 0L;
        while (true)
        {
            var done = writing.IsCompleted;
            var page = await feed.ReadAsync(last, 25, Ct);
            seen.AddRange(page.Select(c => c.Position));
            last = page.Count > 0 ? page[^1].Position : last;
            if (done && page.Count == 0)
            {
                break;
            }
        }
        await writing;

        var all = await feed.ReadAsync(0, 100_000, Ct);
        Assert.Equal(8 * PerWriter * 5, all.Count);
        Assert.Equal(all.Select(c => c.Position), seen);
        // Per customer in the order written: the row's changes, then the alert.
        Assert.All(all.GroupBy(c => c.CustomerId), customer =>
            Assert.Equal(["tier", "stage", "marketingMode", "selectionQuadrant", "alert"], customer.Select(c => c.Kind)));
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
    }
}
