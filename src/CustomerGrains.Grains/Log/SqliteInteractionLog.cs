using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// The interaction log in an SQLite file (the embedded default). Appends from concurrent requests are
/// group-committed: one transaction and one flush per group. SQLite has a single writer, so positions
/// become visible in order and a partition reader never skips a record committed later.
/// </summary>
public sealed class SqliteInteractionLog : IInteractionLog, IAsyncDisposable
{
    private readonly SqliteDatabase database;
    private readonly LogPartitioner partitioner;
    private readonly TimeProvider time;
    private readonly GroupCommitter<IReadOnlyList<InteractionEvent>, AppendResult> committer;

    // The highest committed position per partition. This process is the log's only writer (SQLite is the
    // single-silo default), so an idle partition poll can be answered from memory.
    private readonly long[] heads;
    private readonly Lazy<Task> headsLoaded;

    public SqliteInteractionLog(SqliteDatabase database, LogPartitioner partitioner, TimeProvider time)
    {
        this.database = database;
        this.partitioner = partitioner;
        this.time = time;
        committer = new GroupCommitter<IReadOnlyList<InteractionEvent>, AppendResult>(WriteGroupAsync, time: time);
        heads = new long[partitioner.Partitions];
        headsLoaded = new Lazy<Task>(() => Task.Run(LoadHeadsAsync));
    }

    public bool MayHaveRecordsAfter(int partition, long position) =>
        !headsLoaded.Value.IsCompletedSuccessfully || (uint)partition >= (uint)heads.Length || Volatile.Read(ref heads[partition]) > position;

    private async Task LoadHeadsAsync()
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT partition, MAX(position) FROM interaction_log GROUP BY partition";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var partition = reader.GetInt32(0);
            if ((uint)partition < (uint)heads.Length)
            {
                AdvanceHead(partition, reader.GetInt64(1));
            }
        }
    }

    private void AdvanceHead(int partition, long position)
    {
        var current = Volatile.Read(ref heads[partition]);
        while (position > current)
        {
            var seen = Interlocked.CompareExchange(ref heads[partition], position, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    public TimeSpan AppendWait => committer.OldestWait;

    public async Task<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return new AppendResult([], []);
        }
        try
        {
            return await committer.SubmitAsync(events, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new LogUnavailableException($"The interaction log at {database.Path} could not be written: {ex.Message}", ex);
        }
    }

    private Task<IReadOnlyList<AppendResult>> WriteGroupAsync(IReadOnlyList<IReadOnlyList<InteractionEvent>> group, CancellationToken cancellationToken) =>
        database.WhileWritingAsync(() => WriteGroupHoldingGateAsync(group, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<AppendResult>> WriteGroupHoldingGateAsync(IReadOnlyList<IReadOnlyList<InteractionEvent>> group, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // IMMEDIATE: take the write lock up front so the group never fails half-way on a lock upgrade.
        await using var transaction = connection.BeginTransaction(deferred: false);

        // One statement an event. The customer's next number is the last one in the (customer, number) index, the page the
        // row goes into anyway; an event id already in the log (committed, or earlier in this group) inserts nothing and
        // returns no row, so it takes no number.
        await using var insert = Command(connection, transaction, $"""
            INSERT INTO interaction_log (partition, customer_id, customer_seq, event_id, event_type, occurred_at, appended_at, payload)
            VALUES ($partition, $customer_id, {NextSequence}, $event_id, $event_type, $occurred_at, $appended_at, $payload)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING position, customer_seq
            """, "$partition", "$customer_id", "$event_id", "$event_type", "$occurred_at", "$appended_at", "$payload");

        var appendedAt = SqliteDatabase.Time(time.GetUtcNow());
        var results = new List<AppendResult>(group.Count);
        foreach (var events in group)
        {
            var accepted = new List<AcceptedEvent>(events.Count);
            var duplicates = new List<string>();
            foreach (var e in events)
            {
                var partition = partitioner.PartitionOf(e.CustomerId);
                var p = insert.Parameters;
                p[0].Value = partition;
                p[1].Value = e.CustomerId;
                p[2].Value = e.EventId;
                p[3].Value = e.TypeName;
                p[4].Value = SqliteDatabase.Time(e.OccurredAt);
                p[5].Value = appendedAt;
                p[6].Value = InteractionJson.Serialize(e);
                await using var row = await insert.ExecuteReaderAsync(cancellationToken);
                if (!await row.ReadAsync(cancellationToken))
                {
                    duplicates.Add(e.EventId);
                    continue;
                }
                accepted.Add(new AcceptedEvent(e.EventId, e.CustomerId, partition, row.GetInt64(0), row.GetInt64(1)));
            }
            results.Add(new AppendResult(accepted, duplicates));
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var result in results)
        {
            foreach (var accepted in result.Accepted)
            {
                AdvanceHead(accepted.Partition, accepted.Position);
            }
        }
        return results;
    }

    /// <summary>
    /// The customer's next sequence number (<c>$customer_id</c>): one after the last in the log, read from the end of the
    /// customer's run in the (customer, number) index. Rows of the log are never deleted (an erasure or a retention
    /// rewrite replaces the payload), so the last number given stays in the index.
    /// </summary>
    private const string NextSequence =
        "(IFNULL((SELECT customer_seq FROM interaction_log WHERE customer_id = $customer_id ORDER BY customer_seq DESC LIMIT 1), 0) + 1)";

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }
        return command;
    }

    // Reads run on the thread pool (SqliteDatabase.WithConnectionAsync): never on a grain turn's thread.
    public Task<IReadOnlyList<LogRecord>> ReadPartitionAsync(int partition, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync($"""
            SELECT {LogRecordReader.Columns} FROM interaction_log
            WHERE partition = $a AND position > $b ORDER BY position LIMIT $c
            """, partition, afterPosition, maxCount, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> ReadCustomerAsync(string customerId, long afterSequence, CancellationToken cancellationToken) =>
        ReadAsync($"""
            SELECT {LogRecordReader.Columns} FROM interaction_log
            WHERE customer_id = $a AND customer_seq > $b ORDER BY customer_seq LIMIT $c
            """, customerId, afterSequence, int.MaxValue, cancellationToken);

    private async Task<IReadOnlyList<LogRecord>> ReadAsync(string sql, object a, long b, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WithConnectionAsync(async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$a", a);
                command.Parameters.AddWithValue("$b", b);
                command.Parameters.AddWithValue("$c", limit);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await LogRecordReader.ReadAllAsync(reader, ct);
            }, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new LogUnavailableException($"The interaction log at {database.Path} could not be read: {ex.Message}", ex);
        }
    }

    public Task<long> ReadCheckpointAsync(int partition, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT position FROM stream_checkpoint WHERE partition = $p";
            command.Parameters.AddWithValue("$p", partition);
            return await command.ExecuteScalarAsync(ct) is long position ? position : 0;
        }, cancellationToken);

    public Task WriteCheckpointAsync(int partition, long position, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            // A checkpoint only moves forward, even if two agents briefly own a partition during a rebalance.
            command.CommandText = """
                INSERT INTO stream_checkpoint (partition, position) VALUES ($p, $pos)
                ON CONFLICT (partition) DO UPDATE SET position = MAX(position, excluded.position)
                """;
            command.Parameters.AddWithValue("$p", partition);
            command.Parameters.AddWithValue("$pos", position);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<PartitionBacklog> ReadBacklogAsync(int partition, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            // This process is the file's one writer and stamps each group as it commits it, so the first record after the
            // checkpoint is the oldest behind: one row read, where MIN(appended_at) read every row of the backlog (the
            // count reads only the partition's index).
            command.CommandText = """
                WITH done AS (SELECT IFNULL((SELECT position FROM stream_checkpoint WHERE partition = $p), 0) AS position)
                SELECT IFNULL((SELECT MAX(position) FROM interaction_log WHERE partition = $p), 0), done.position,
                       (SELECT COUNT(*) FROM interaction_log WHERE partition = $p AND position > done.position),
                       (SELECT appended_at FROM interaction_log WHERE partition = $p AND position > done.position ORDER BY position LIMIT 1)
                FROM done
                """;
            command.Parameters.AddWithValue("$p", partition);
            await using var r = await command.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return new PartitionBacklog(partition, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2),
                r.IsDBNull(3) ? null : SqliteDatabase.ParseTime(r.GetString(3)));
        }, cancellationToken);

    // The one writer of the file: appends of this customer come before (and are erased) or after (numbered later).
    public Task<LogErasure> EraseCustomerAsync(string customerId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var last = Command(connection, transaction, $"SELECT {NextSequence} - 1", "$customer_id");
            last.Parameters[0].Value = customerId;
            var sequence = (long)(await last.ExecuteScalarAsync(ct))!;
            await using var rewrite = Command(connection, transaction, """
                UPDATE interaction_log SET payload = $tombstone WHERE customer_id = $c AND substr(payload, 1, length($prefix)) <> $prefix
                """, "$tombstone", "$c", "$prefix");
            rewrite.Parameters[0].Value = LogRecord.Tombstone(at);
            rewrite.Parameters[1].Value = customerId;
            rewrite.Parameters[2].Value = LogRecord.TombstonePrefix;
            var rows = await rewrite.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            return new LogErasure(sequence, rows);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> CustomersWithEventsBeforeAsync(
        IReadOnlyList<EventAge> ages, string afterCustomerId, int maxCount, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT DISTINCT customer_id FROM interaction_log
                WHERE {EventAge.Condition(ages, '$')}
                  AND customer_id > $after ORDER BY customer_id LIMIT $limit
                """;
            for (var i = 0; i < ages.Count; i++)
            {
                command.Parameters.AddWithValue($"$type{i}", ages[i].EventType);
                command.Parameters.AddWithValue($"$before{i}", SqliteDatabase.Time(ages[i].Before));
            }
            command.Parameters.AddWithValue("$after", afterCustomerId);
            command.Parameters.AddWithValue("$limit", maxCount);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var ids = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetString(0));
            }
            return (IReadOnlyList<string>)ids;
        }, cancellationToken);

    public Task<int> RewriteAsync(IReadOnlyList<LogRewrite> rewrites, CancellationToken cancellationToken) =>
        rewrites.Count == 0 ? Task.FromResult(0) : database.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var rewrite = Command(connection, transaction,
                "UPDATE interaction_log SET payload = $payload WHERE position = $position AND payload = $expected", "$payload", "$position", "$expected");
            var rows = 0;
            foreach (var r in rewrites)
            {
                rewrite.Parameters[0].Value = r.Payload;
                rewrite.Parameters[1].Value = r.Position;
                rewrite.Parameters[2].Value = r.Expected;
                rows += await rewrite.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return rows;
        }, cancellationToken);

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM stream_checkpoint";
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => committer.DisposeAsync();
}
