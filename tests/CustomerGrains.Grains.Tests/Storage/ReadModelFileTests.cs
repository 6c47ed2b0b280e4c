using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Segments;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;
using Microsoft.Data.Sqlite;
using static CustomerGrains.Grains.Tests.Changes.SqliteChangeFeedTests;

namespace CustomerGrains.Grains.Tests.Storage;

/// <summary>
/// A store made before readmodel.db existed keeps its read model, segments, alerts and change feed in interactions.db.
/// Starting the new version moves them, and a client of the change feed reads on from where it was.
/// </summary>
public sealed class ReadModelFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The layout of the versions before: every read-model table in interactions.db, written by the real stores.</summary>
    private static async Task<(EmbeddedDatabases Databases, IReadOnlyList<CustomerChange> Feed)> OldStoreAsync(string directory)
    {
        var databases = EmbeddedDatabases.In(directory);
        await databases.Log.MigrateAsync(Ct);
        var old = databases with { ReadModel = databases.Log };
        await new SqliteSegmentStore(old).PutAsync("valuable", new SegmentDefinition { Filter = new CustomerFilter { MinNetValue = 100 } }, Day, Ct);
        await using (var readModel = new SqliteCustomerReadModel(old))
        {
            await readModel.UpsertAsync(Row("c-1", "formation", "A", 140, Day), Ct);
            await readModel.UpsertAsync(Row("c-2", "formation", "B", 60, Day), Ct);
        }
        await new SqliteCustomerAlerts(old).AppendAsync(
            new CustomerAlert(0, "c-1", "stageChangedByTime", "formation", "decline", Day.AddDays(1), "no purchase for 90 days"), Ct);
        return (databases, await new SqliteChangeStore(old).ReadAsync(0, 100, Ct));
    }

    private static Task<IReadOnlyList<string>> TablesAsync(SqliteDatabase database) => NamesAsync(database, "table");

    private static async Task<IReadOnlyList<string>> NamesAsync(SqliteDatabase database, string type) =>
        await database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = @type AND tbl_name LIKE 'customer%' ORDER BY name";
            command.Parameters.AddWithValue("@type", type);
            await using var r = await command.ExecuteReaderAsync(ct);
            var names = new List<string>();
            while (await r.ReadAsync(ct))
            {
                names.Add(r.GetString(0));
            }
            return names;
        }, Ct);

    [Fact]
    public async Task Starting_on_an_older_store_moves_the_read_model_and_the_change_feed_reads_on_from_its_last_position()
    {
        using var data = new TempDirectory("read-model-move");
        var (databases, before) = await OldStoreAsync(data.Path);
        Assert.Equal(10, before.Count);
        var indexes = await NamesAsync(databases.Log, "index");
        Assert.Contains("ix_customer_read_model_net_value", indexes);

        Assert.Contains("the read model moved from interactions.db to readmodel.db (14 rows)", await databases.MigrateAsync(Ct));

        Assert.Empty(await TablesAsync(databases.Log));
        Assert.Empty(await NamesAsync(databases.Log, "index"));
        Assert.Equal(["customer_alerts", "customer_changes", "customer_read_model", "customer_segments"], await TablesAsync(databases.ReadModel));
        Assert.Equal(indexes, await NamesAsync(databases.ReadModel, "index"));
        var feed = new SqliteChangeStore(databases);
        Assert.Equal(before, await feed.ReadAsync(0, 100, Ct));
        var listed = await new SqliteCustomerReadModel(databases).ListAsync(new CustomerListQuery { Sort = "-netValue" }, 10, Ct);
        Assert.Equal(["c-1", "c-2"], listed.Rows.Select(r => r.CustomerId));
        Assert.Equal("valuable", Assert.Single(await new SqliteSegmentStore(databases).ListAsync(Ct)).Name);

        // A client that had read up to the last change sees only what is written after the move, numbered after it.
        await using (var readModel = new SqliteCustomerReadModel(databases))
        {
            await readModel.UpsertAsync(Row("c-2", "formation", "A", 120, Day.AddDays(2)), Ct);
        }
        var after = await feed.ReadAsync(before[^1].Position, 100, Ct);
        Assert.Equal([("tier", "B", "A"), ("segmentEntered", null, "valuable")], after.Select(c => (c.Kind, c.From, c.To)));
        Assert.All(after, c => Assert.True(c.Position > before[^1].Position));

        // Every later start finds nothing to move and changes nothing.
        Assert.Empty(await databases.MigrateAsync(Ct));
        Assert.Equal(before.Count + after.Count, (await feed.ReadAsync(0, 100, Ct)).Count);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_move_interrupted_after_the_copy_is_copied_again_without_doubling_a_row()
    {
        using var data = new TempDirectory("read-model-move-again");
        var (databases, before) = await OldStoreAsync(data.Path);
        await databases.ReadModel.MigrateAsync(Ct);
        // The copy of an interrupted start: readmodel.db already holds the rows, interactions.db still has its tables.
        await databases.Log.TruncateWriteAheadLogAsync(Ct);
        var log = databases.Log.Path;
        File.Copy(log, log + ".kept");
        Assert.Equal(before.Count + 2 + 1 + 1, await ReadModelFile.MoveAsync(databases.Log, databases.ReadModel, Ct));
        SqliteConnection.ClearAllPools();
        File.Copy(log + ".kept", log, overwrite: true);
        // The older version ran again meanwhile (a rollback) and deleted a segment: it stays deleted.
        await new SqliteSegmentStore(databases with { ReadModel = databases.Log }).DeleteAsync("valuable", Ct);

        Assert.Contains("the read model moved from interactions.db to readmodel.db (13 rows)", await databases.MigrateAsync(Ct));

        Assert.Empty(await TablesAsync(databases.Log));
        Assert.Equal(before, await new SqliteChangeStore(databases).ReadAsync(0, 100, Ct));
        Assert.Equal(2, await new SqliteCustomerReadModel(databases).CountAsync(new CustomerListQuery(), Ct));
        Assert.Empty(await new SqliteSegmentStore(databases).ListAsync(Ct));
        Assert.Null(await ReadModelFile.MoveAsync(databases.Log, databases.ReadModel, Ct));
        SqliteConnection.ClearAllPools();
    }
}
