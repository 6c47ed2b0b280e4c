using CustomerGrains.Grains.Segments;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Grains.Value;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CustomerGrains.Grains.Changes;

/// <summary>
/// Writes a row's changes into the change feed inside the SQLite transaction that writes the row (or the alert). One writer
/// serves a whole group of rows: its two statements are prepared once and bound again for each row and change.
/// </summary>
internal sealed class SqliteChangeWriter(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
{
    private SqliteCommand? select;
    private SqliteCommand? insert;

    /// <summary>The saved segments, read in the transaction: membership is measured against the segments saved now.</summary>
    public async Task<IReadOnlyList<StoredSegment>> SegmentsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(SegmentSql.Select);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await SegmentSql.ReadAsync(r, (reader, i) => SqliteDatabase.ParseTime(reader.GetString(i)), cancellationToken);
    }

    /// <summary>Writes what changed between the customer's stored row and <paramref name="row"/>, before the row is written.</summary>
    public async Task WriteAsync(CustomerReadModelRow row, IReadOnlyList<StoredSegment> segments, CancellationToken cancellationToken)
    {
        select ??= Prepared(ReadModelChanges.SelectRow, "@id");
        select.Parameters[0].Value = row.CustomerId;
        RowAssessment? before;
        await using (var r = await select.ExecuteReaderAsync(cancellationToken))
        {
            before = await ReadModelChanges.ReadRowAsync(r, cancellationToken);
        }
        foreach (var change in ReadModelChanges.Between(before, RowAssessment.Of(row), segments))
        {
            await InsertAsync(row.CustomerId, change, row.UpdatedAt, null, cancellationToken);
        }
    }

    public async Task InsertAsync(string customerId, PendingChange change, DateTimeOffset at, string? detail, CancellationToken cancellationToken)
    {
        insert ??= Prepared(ReadModelChanges.Insert, "@c", "@k", "@f", "@t", "@at", "@d");
        var p = insert.Parameters;
        p[0].Value = customerId;
        p[1].Value = change.Kind;
        p[2].Value = (object?)change.From ?? DBNull.Value;
        p[3].Value = (object?)change.To ?? DBNull.Value;
        p[4].Value = SqliteDatabase.Time(at);
        p[5].Value = (object?)detail ?? DBNull.Value;
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (select is not null)
        {
            await select.DisposeAsync();
        }
        if (insert is not null)
        {
            await insert.DisposeAsync();
        }
    }

    private SqliteCommand Prepared(string text, params string[] parameters)
    {
        var command = Command(text);
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }
        command.Prepare();
        return command;
    }

    private SqliteCommand Command(string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }
}

/// <summary>
/// Writes a customer's read-model row and its changes in one PostgreSQL transaction (see postgres/log-007): the writers of
/// one customer's row take turns, so each change is measured against the row before it; a write with changes takes the
/// feed's lock before its positions and holds it to the commit, so positions become visible in order.
/// </summary>
internal static class PostgresChangeWriter
{
    /// <summary>The advisory lock of one customer's row: the key is the customer id's hash (a collision only makes two customers take turns).</summary>
    private static readonly string RowLock = $"SELECT pg_advisory_xact_lock({PostgresDatabase.ReadModelRowLockClass}, hashtext(@id))";

    /// <summary>Runs <paramref name="upsert"/> (the row's statement) with the row's changes, in one transaction.</summary>
    public static async Task UpsertWithChangesAsync(PostgresDatabase database, CustomerReadModelRow row, NpgsqlBatchCommand upsert, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        RowAssessment? before;
        List<StoredSegment> segments;
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            var lockRow = new NpgsqlBatchCommand(RowLock);
            lockRow.Parameters.AddWithValue("id", row.CustomerId);
            var select = new NpgsqlBatchCommand(ReadModelChanges.SelectRow);
            select.Parameters.AddWithValue("id", row.CustomerId);
            read.BatchCommands.Add(lockRow);
            read.BatchCommands.Add(select);
            read.BatchCommands.Add(new NpgsqlBatchCommand(SegmentSql.Select));
            await using var r = await read.ExecuteReaderAsync(cancellationToken);
            await r.NextResultAsync(cancellationToken);
            before = await ReadModelChanges.ReadRowAsync(r, cancellationToken);
            await r.NextResultAsync(cancellationToken);
            segments = await SegmentSql.ReadAsync(r, PostgresValues.Time, cancellationToken);
        }
        var changes = ReadModelChanges.Between(before, RowAssessment.Of(row), segments);
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            if (changes.Count > 0)
            {
                write.BatchCommands.Add(new NpgsqlBatchCommand(PostgresDatabase.ChangeFeedLock));
                foreach (var change in changes)
                {
                    write.BatchCommands.Add(Insert(row.CustomerId, change, row.UpdatedAt));
                }
            }
            write.BatchCommands.Add(upsert);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Insert(string customerId, PendingChange change, DateTimeOffset at)
    {
        var insert = new NpgsqlBatchCommand(ReadModelChanges.Insert);
        insert.Parameters.AddWithValue("c", customerId);
        insert.Parameters.AddWithValue("k", change.Kind);
        insert.Parameters.Add(PostgresValues.Text("f", change.From));
        insert.Parameters.Add(PostgresValues.Text("t", change.To));
        insert.Parameters.Add(PostgresValues.Time("at", at));
        insert.Parameters.Add(PostgresValues.Text("d", null));
        return insert;
    }
}
