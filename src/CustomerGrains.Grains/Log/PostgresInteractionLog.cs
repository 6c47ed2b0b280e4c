using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// The interaction log in PostgreSQL (cluster mode), written by every silo. Appends from concurrent
/// requests of one silo are group-committed: one transaction per group, one round trip plus the commit.
/// <para>
/// Positions come from a sequence, and sequences do not commit in order. So that a partition reader of
/// "position &gt; last" never skips a record that commits later, a group first takes a transaction-scoped
/// advisory lock on every partition it touches, in ascending order (no deadlock between writers), and only
/// then takes positions: the next writer of a partition takes its positions after the previous one
/// committed. The same locks serialise each customer (a customer lives in one partition), so the
/// customer's gap-free sequence numbers are assigned and committed in order.
/// </para>
/// </summary>
public sealed class PostgresInteractionLog : IInteractionLog, IAsyncDisposable
{
    private const string Columns = "position, partition, customer_id, customer_seq, event_id, payload";

    private readonly PostgresDatabase database;
    private readonly LogPartitioner partitioner;
    private readonly TimeProvider time;
    private readonly TimeSpan appendTimeout;
    private readonly GroupCommitter<IReadOnlyList<InteractionEvent>, AppendResult> committer;

    public PostgresInteractionLog(PostgresDatabase database, LogPartitioner partitioner, TimeProvider time, IOptions<PostgresOptions> options)
    {
        this.database = database;
        this.partitioner = partitioner;
        this.time = time;
        appendTimeout = options.Value.AppendTimeout;
        committer = new GroupCommitter<IReadOnlyList<InteractionEvent>, AppendResult>(WriteGroupWithRetryAsync);
    }

    // Other silos append too, so this process cannot know a partition's head: always ask the database.
    public bool MayHaveRecordsAfter(int partition, long position) => true;

    public async Task<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return new AppendResult([], []);
        }
        try
        {
            return await committer.SubmitAsync(events, cancellationToken).WaitAsync(appendTimeout, time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new LogUnavailableException(
                $"The interaction log at {database.Describe} did not confirm the append within {appendTimeout.TotalSeconds:0.#} s; " +
                "send the same events again (their ids make a repeat harmless).", ex);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException(
                $"The interaction log at {database.Describe} could not be written: {ex.Message}", ex);
        }
    }

    private async Task<IReadOnlyList<AppendResult>> WriteGroupWithRetryAsync(IReadOnlyList<IReadOnlyList<InteractionEvent>> group, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteGroupAsync(group, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another silo committed one of these event ids (under another customer's partition) after this
            // group looked: the whole group was rolled back; written again, that id is seen as a duplicate.
            return await WriteGroupAsync(group, cancellationToken);
        }
    }

    // One statement, so the partitions stay locked for as short a time as possible: the events not in the log
    // yet (the first of each id), each customer's next sequence numbers reserved in one upsert, and the records
    // inserted in request order, so each customer's positions follow its sequence numbers. It runs after the
    // locks are held, so its snapshot sees every earlier writer of these customers.
    private const string AppendSql = """
        WITH input AS (
            SELECT * FROM unnest(@partitions, @customers, @ids, @types, @occurred, @payloads)
                WITH ORDINALITY AS u(partition, customer_id, event_id, event_type, occurred_at, payload, n)
        ), fresh AS (
            SELECT DISTINCT ON (i.event_id) i.*
            FROM input i
            WHERE NOT EXISTS (SELECT 1 FROM interaction_log l WHERE l.event_id = i.event_id)
            ORDER BY i.event_id, i.n
        ), counts AS (
            SELECT customer_id, count(*) AS added FROM fresh GROUP BY customer_id
        ), reserved AS (
            INSERT INTO customer_sequence (customer_id, last_seq)
            SELECT customer_id, added FROM counts
            ON CONFLICT (customer_id) DO UPDATE SET last_seq = customer_sequence.last_seq + excluded.last_seq
            RETURNING customer_id, last_seq
        ), numbered AS (
            SELECT f.*, r.last_seq - c.added + row_number() OVER (PARTITION BY f.customer_id ORDER BY f.n) AS customer_seq
            FROM fresh f JOIN counts c USING (customer_id) JOIN reserved r USING (customer_id)
        )
        INSERT INTO interaction_log (partition, customer_id, customer_seq, event_id, event_type, occurred_at, appended_at, payload)
        SELECT partition, customer_id, customer_seq, event_id, event_type, occurred_at, @appended_at, payload
        FROM numbered ORDER BY n
        RETURNING event_id, position, customer_seq
        """;

    private async Task<IReadOnlyList<AppendResult>> WriteGroupAsync(IReadOnlyList<IReadOnlyList<InteractionEvent>> group, CancellationToken cancellationToken)
    {
        var all = group.SelectMany(events => events).ToList();
        var partitionOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in all)
        {
            if (!partitionOf.ContainsKey(e.CustomerId))
            {
                partitionOf[e.CustomerId] = partitioner.PartitionOf(e.CustomerId);
            }
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The partitions' locks, ascending (no deadlock between writers), then the append: one round trip.
        await using var batch = new NpgsqlBatch(connection, transaction);
        var locks = new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({PostgresDatabase.LogLockClass}, p) FROM unnest(@partitions) AS p");
        locks.Parameters.AddWithValue("partitions", partitionOf.Values.Distinct().Order().ToArray());
        batch.BatchCommands.Add(locks);
        var append = new NpgsqlBatchCommand(AppendSql);
        append.Parameters.AddWithValue("appended_at", time.GetUtcNow().UtcDateTime);
        append.Parameters.AddWithValue("partitions", all.Select(e => partitionOf[e.CustomerId]).ToArray());
        append.Parameters.AddWithValue("customers", all.Select(e => e.CustomerId).ToArray());
        append.Parameters.AddWithValue("ids", all.Select(e => e.EventId).ToArray());
        append.Parameters.AddWithValue("types", all.Select(e => e.TypeName).ToArray());
        append.Parameters.Add(new NpgsqlParameter("occurred", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = all.Select(e => e.OccurredAt.UtcDateTime).ToArray(),
        });
        append.Parameters.AddWithValue("payloads", all.Select(InteractionJson.Serialize).ToArray());
        batch.BatchCommands.Add(append);

        var positions = new Dictionary<string, (long Position, long Sequence)>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                positions[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            }
        }
        await transaction.CommitAsync(cancellationToken);

        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var results = new List<AppendResult>(group.Count);
        foreach (var events in group)
        {
            var accepted = new List<AcceptedEvent>(events.Count);
            var duplicates = new List<string>();
            foreach (var e in events)
            {
                if (positions.TryGetValue(e.EventId, out var at) && claimed.Add(e.EventId))
                {
                    accepted.Add(new AcceptedEvent(e.EventId, e.CustomerId, partitionOf[e.CustomerId], at.Position, at.Sequence));
                }
                else
                {
                    duplicates.Add(e.EventId);
                }
            }
            results.Add(new AppendResult(accepted, duplicates));
        }
        return results;
    }

    public Task<IReadOnlyList<LogRecord>> ReadPartitionAsync(int partition, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {Columns} FROM interaction_log WHERE partition = @a AND position > @b ORDER BY position LIMIT @c",
            partition, afterPosition, maxCount, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> ReadCustomerAsync(string customerId, long afterSequence, CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {Columns} FROM interaction_log WHERE customer_id = @a AND customer_seq > @b ORDER BY customer_seq LIMIT @c",
            customerId, afterSequence, int.MaxValue, cancellationToken);

    private async Task<IReadOnlyList<LogRecord>> ReadAsync(string sql, object a, long b, int limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("a", a);
            command.Parameters.AddWithValue("b", b);
            command.Parameters.AddWithValue("c", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await LogRecordReader.ReadAllAsync(reader, cancellationToken);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The interaction log at {database.Describe} could not be read: {ex.Message}", ex);
        }
    }

    public async Task<long> ReadCheckpointAsync(int partition, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT position FROM stream_checkpoint WHERE partition = @p", connection);
            command.Parameters.AddWithValue("p", partition);
            return await command.ExecuteScalarAsync(cancellationToken) is long position ? position : 0;
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The checkpoint of partition {partition} at {database.Describe} could not be read: {ex.Message}", ex);
        }
    }

    public async Task WriteCheckpointAsync(int partition, long position, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            // A checkpoint only moves forward, even while two agents briefly own a partition during a rebalance.
            await using var command = new NpgsqlCommand("""
                INSERT INTO stream_checkpoint (partition, position) VALUES (@p, @pos)
                ON CONFLICT (partition) DO UPDATE SET position = GREATEST(stream_checkpoint.position, excluded.position)
                """, connection);
            command.Parameters.AddWithValue("p", partition);
            command.Parameters.AddWithValue("pos", position);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The checkpoint of partition {partition} at {database.Describe} could not be written: {ex.Message}", ex);
        }
    }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM stream_checkpoint", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex) || ex is PostgresException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => committer.DisposeAsync();
}
