using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Moves the read model of a store made before <c>readmodel.db</c> existed out of <c>interactions.db</c>
/// (sqlite/read-001 says why it has a file of its own). Runs at start, after both files are migrated and before
/// anything reads or writes them.
/// </summary>
internal static class ReadModelFile
{
    /// <summary>The tables that live in readmodel.db, in the order they are copied.</summary>
    public static readonly IReadOnlyList<string> Tables = ["customer_read_model", "customer_segments", "customer_alerts", "customer_changes"];

    /// <summary>
    /// Replaces the contents of <see cref="Tables"/> in <paramref name="readModel"/> with the rows still in
    /// <paramref name="log"/> (keeping each alert's id and each change's position, and the next numbers to hand out) in
    /// one transaction, then drops those tables from <paramref name="log"/> in another and empties its write-ahead log.
    /// Nothing writes readmodel.db while the old tables exist (this runs at start), so a start interrupted between the
    /// two transactions copies again, from scratch, and loses or doubles nothing. Returns the rows copied, or null when
    /// there was nothing left to move.
    /// </summary>
    public static async Task<long?> MoveAsync(SqliteDatabase log, SqliteDatabase readModel, CancellationToken cancellationToken)
    {
        var copied = await readModel.WriteAsync(async (connection, ct) =>
        {
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
                    var columns = string.Join(", ", await ColumnsAsync(connection, transaction, table, ct));
                    await ExecuteAsync(connection, transaction, $"DELETE FROM main.{table}", ct);
                    rows = (rows ?? 0) + await ExecuteAsync(connection, transaction,
                        $"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM old.{table}", ct);
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

    // The columns both copies have (a column the old file lacks keeps its default; there is none today).
    private static async Task<IReadOnlyList<string>> ColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT n.name FROM pragma_table_info(@table, 'main') n JOIN pragma_table_info(@table, 'old') o ON o.name = n.name ORDER BY n.cid";
        command.Parameters.AddWithValue("@table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetString(0));
        }
        return columns;
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
