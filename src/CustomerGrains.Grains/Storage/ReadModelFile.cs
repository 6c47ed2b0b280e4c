using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// readmodel.db: the customers' read-model rows, the saved segments, the alerts and the change feed, in a file of their
/// own. SQLite lets one writer at a time into a file; while these tables shared interactions.db with the interaction log,
/// every group of read-model rows (each row moves its entries in six indexes) took its turn on the log's one writer,
/// between the appends, and under live ingest the appends waited behind the rows (docs/benchmarks.md, "The read model in
/// a file of its own"). Each file now has its own writer thread.
/// <para>
/// The tables are made by the log's scripts in interactions.db (sqlite/log-002, -003, -006 and -009 define them), and
/// moved here at start, definitions, indexes and rows together, by <see cref="MoveAsync"/>: on a new store they are
/// empty, on a store of an older version they hold its read model. So the scripts stay the one definition of these
/// tables. A later change to them is a script named read-NNN, applied to readmodel.db after the move.
/// </para>
/// </summary>
internal static class ReadModelFile
{
    /// <summary>The tables that live in readmodel.db, in the order they are copied.</summary>
    public static readonly IReadOnlyList<string> Tables = ["customer_read_model", "customer_segments", "customer_alerts", "customer_changes"];

    /// <summary>
    /// Makes each of <see cref="Tables"/> still in <paramref name="log"/> in <paramref name="readModel"/> (with the same
    /// definition and indexes, unless it is there already) and replaces its rows there with the old file's (keeping each
    /// alert's id and each change's position, and the next numbers to hand out), in one transaction; then drops the
    /// tables from <paramref name="log"/> in another and empties its write-ahead log. Nothing writes readmodel.db while
    /// the old tables exist (this runs at start), so a start interrupted between the two transactions copies again, from
    /// scratch, and loses or doubles nothing. Returns the rows copied, or null when there was nothing left to move.
    /// </summary>
    public static async Task<long?> MoveAsync(SqliteDatabase log, SqliteDatabase readModel, CancellationToken cancellationToken)
    {
        var copied = await readModel.WriteAsync(async (connection, ct) =>
        {
            // The move may be the first write of a new file: the write-ahead log first, as every file of the store has.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", ct);
            await ExecuteAsync(connection, null, "ATTACH DATABASE @path AS old", ct, ("@path", log.Path));
            try
            {
                // IMMEDIATE takes the write lock of both files: a second process starting on the same store waits here,
                // then finds the tables gone.
                await using var transaction = connection.BeginTransaction(deferred: false);
                long? rows = null;
                foreach (var table in Tables)
                {
                    if (!await ExistsAsync(connection, transaction, table, ct))
                    {
                        continue;
                    }
                    // The copy is made from the old table's own definition, so both have the same columns in the same order.
                    await CreateLikeAsync(connection, transaction, table, ct);
                    await ExecuteAsync(connection, transaction, $"DELETE FROM main.{table}", ct);
                    rows = (rows ?? 0) + await ExecuteAsync(connection, transaction, $"INSERT INTO main.{table} SELECT * FROM old.{table}", ct);
                }
                if (rows is not null)
                {
                    // The next id and position continue from the old file's, even where its last rows were deleted.
                    await ExecuteAsync(connection, transaction,
                        "DELETE FROM main.sqlite_sequence WHERE name IN ('customer_alerts', 'customer_changes')", ct);
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO main.sqlite_sequence (name, seq)
                        SELECT name, seq FROM old.sqlite_sequence WHERE name IN ('customer_alerts', 'customer_changes')
                        """, ct);
                    await transaction.CommitAsync(ct);
                }
                return rows;
            }
            finally
            {
                await ExecuteAsync(connection, null, "DETACH DATABASE old", CancellationToken.None);
            }
        }, cancellationToken);
        if (copied is null)
        {
            return null;
        }

        await log.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var table in Tables)
            {
                // Dropping a table drops its indexes; its alerts' and changes' sequence rows go with it.
                await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {table}", ct);
            }
            await transaction.CommitAsync(ct);
            return 0;
        }, cancellationToken);
        // The freed pages went through the write-ahead log (secure_delete zeroes them): copy it into the file and empty
        // it now, not at the next checkpoint, so the move leaves no log file the size of the old read model behind. The
        // freed pages stay in interactions.db and are reused by the log's appends.
        await log.TruncateWriteAheadLogAsync(cancellationToken);
        return copied;
    }

    private static async Task<bool> ExistsAsync(SqliteConnection connection, SqliteTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM old.sqlite_master WHERE type = 'table' AND name = @name";
        command.Parameters.AddWithValue("@name", table);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    // The old table's definition and its indexes, as the log's scripts left them (an index a UNIQUE constraint makes has no
    // text of its own: the table's definition makes it again).
    private static async Task CreateLikeAsync(SqliteConnection connection, SqliteTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT o.sql FROM old.sqlite_master o
            WHERE o.tbl_name = @table AND o.sql IS NOT NULL AND o.type IN ('table', 'index')
              AND NOT EXISTS (SELECT 1 FROM main.sqlite_master m WHERE m.name = o.name)
            ORDER BY o.type = 'index', o.name
            """;
        command.Parameters.AddWithValue("@table", table);
        var definitions = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                definitions.Add(reader.GetString(0));
            }
        }
        foreach (var definition in definitions)
        {
            await ExecuteAsync(connection, transaction, definition, cancellationToken);
        }
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
