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
    /// Copies every row of <see cref="Tables"/> still in <paramref name="log"/> into <paramref name="readModel"/>
    /// (keeping each alert's id and each change's position, and the next numbers to hand out) in one transaction, then
    /// drops them from <paramref name="log"/> in another. A row already copied is replaced by the same row, so a start
    /// interrupted between the two transactions copies again and loses or doubles nothing. Returns the rows copied, or
    /// null when there was nothing left to move.
    /// </summary>
    public static async Task<long?> MoveAsync(SqliteDatabase log, SqliteDatabase readModel, CancellationToken cancellationToken)
    {
        var present = await log.WithConnectionAsync(async (connection, ct) =>
        {
            var names = new List<string>();
            foreach (var table in Tables)
            {
                if (await ExistsAsync(connection, "main", table, ct))
                {
                    names.Add(table);
                }
            }
            return names;
        }, cancellationToken);
        if (present.Count == 0)
        {
            return null;
        }

        var copied = await readModel.WriteAsync(async (connection, ct) =>
        {
            await ExecuteAsync(connection, null, "ATTACH DATABASE @path AS old", ct, ("@path", log.Path));
            try
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                long rows = 0;
                foreach (var table in present)
                {
                    var columns = string.Join(", ", await ColumnsAsync(connection, transaction, table, ct));
                    rows += await ExecuteAsync(connection, transaction,
                        $"INSERT OR REPLACE INTO main.{table} ({columns}) SELECT {columns} FROM old.{table}", ct);
                }
                if (await ExistsAsync(connection, "old", "sqlite_sequence", ct, transaction))
                {
                    // The next id and position continue from the old file's, even where its last rows were deleted.
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO main.sqlite_sequence (name, seq)
                        SELECT o.name, o.seq FROM old.sqlite_sequence o
                        WHERE o.name IN ('customer_alerts', 'customer_changes')
                          AND NOT EXISTS (SELECT 1 FROM main.sqlite_sequence m WHERE m.name = o.name)
                        """, ct);
                    await ExecuteAsync(connection, transaction, """
                        UPDATE main.sqlite_sequence
                        SET seq = max(seq, coalesce((SELECT o.seq FROM old.sqlite_sequence o WHERE o.name = main.sqlite_sequence.name), 0))
                        WHERE name IN ('customer_alerts', 'customer_changes')
                        """, ct);
                }
                await transaction.CommitAsync(ct);
                return rows;
            }
            finally
            {
                await ExecuteAsync(connection, null, "DETACH DATABASE old", CancellationToken.None);
            }
        }, cancellationToken);

        await log.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var table in present)
            {
                // Dropping a table drops its indexes; its alerts' and changes' sequence rows go with it.
                await ExecuteAsync(connection, transaction, $"DROP TABLE {table}", ct);
            }
            await transaction.CommitAsync(ct);
            return 0;
        }, cancellationToken);
        return copied;
    }

    private static async Task<bool> ExistsAsync(SqliteConnection connection, string schema, string table, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = @name";
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
