using CustomerGrains.Grains.Storage;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Storage;

/// <summary>
/// Writers of one SQLite file take turns in the process, whichever <see cref="SqliteDatabase"/> instance they hold:
/// colliding on SQLite's own lock would put their threads to sleep for 150 ms at a time.
/// </summary>
public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task Concurrent_writers_of_one_file_write_one_at_a_time_and_every_write_lands()
    {
        var ct = TestContext.Current.CancellationToken;
        using var scratch = new TempDirectory("write-gate");
        var path = Path.Combine(scratch.Path, "interactions.db");
        var first = new SqliteDatabase(path, "log");
        var second = new SqliteDatabase(path, "log");
        await first.MigrateAsync(ct);

        var writing = 0;
        var mostAtOnce = 0;
        async Task<bool> InsertAsync(Microsoft.Data.Sqlite.SqliteConnection connection, int n)
        {
            var now = Interlocked.Increment(ref writing);
            InterlockedMax(ref mostAtOnce, now);
            try
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO stream_checkpoint (partition, position) VALUES ($p, $p)";
                command.Parameters.AddWithValue("$p", n);
                await command.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
                return true;
            }
            finally
            {
                Interlocked.Decrement(ref writing);
            }
        }

        // Both ways in: a write given a connection, and a write that opens its own (as the grain storage provider does).
        var writes = Enumerable.Range(1, 120).Select(n => (n % 3) switch
        {
            0 => first.WriteAsync((connection, _) => InsertAsync(connection, n), ct),
            1 => second.WriteAsync((connection, _) => InsertAsync(connection, n), ct),
            _ => Task.Run(() => second.WhileWritingAsync(async () =>
            {
                await using var connection = await second.OpenAsync(ct);
                return await InsertAsync(connection, n);
            }, ct), ct),
        });
        await Task.WhenAll(writes);

        Assert.Equal(1, mostAtOnce);
        await using var check = await first.OpenAsync(ct);
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*), SUM(partition) FROM stream_checkpoint";
        await using var reader = await count.ExecuteReaderAsync(ct);
        Assert.True(await reader.ReadAsync(ct));
        Assert.Equal((120L, 120L * 121 / 2), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var before = Interlocked.CompareExchange(ref target, value, seen);
            if (before == seen)
            {
                return;
            }
            seen = before;
        }
    }
}
