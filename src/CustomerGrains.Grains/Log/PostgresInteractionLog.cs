using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// The interaction log in PostgreSQL (cluster mode), written by every silo. Appends from concurrent
/// requests of one silo are group-committed: one transaction of a few set-based statements per group.
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

        // 1. The partitions' locks, ascending; held until commit.
        await using (var locks = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({PostgresDatabase.LogLockClass}, p) FROM unnest(@partitions) AS p", connection, transaction))
        {
            locks.Parameters.AddWithValue("partitions", partitionOf.Values.Distinct().Order().ToArray());
            await locks.ExecuteNonQueryAsync(cancellationToken);
        }

        // 2. Which ids are in the log already. Under the locks no writer of these customers is in flight.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var existing = new NpgsqlCommand("SELECT event_id FROM interaction_log WHERE event_id = ANY(@ids)", connection, transaction))
        {
            existing.Parameters.AddWithValue("ids", all.Select(e => e.EventId).Distinct().ToArray());
            await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                seen.Add(reader.GetString(0));
            }
        }
        var fresh = new List<InteractionEvent>(all.Count);
        foreach (var e in all)
        {
            if (seen.Add(e.EventId))
            {
                fresh.Add(e);
            }
        }

        var positions = new Dictionary<string, (long Position, long Sequence)>(StringComparer.Ordinal);
        if (fresh.Count > 0)
        {
            // 3. Reserve each customer's next sequence numbers in one upsert.
            var counts = fresh.GroupBy(e => e.CustomerId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
            var next = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var sequences = new NpgsqlCommand("""
                INSERT INTO customer_sequence (customer_id, last_seq)
                SELECT * FROM unnest(@customers, @counts)
                ON CONFLICT (customer_id) DO UPDATE SET last_seq = customer_sequence.last_seq + excluded.last_seq
                RETURNING customer_id, last_seq
                """, connection, transaction))
            {
                sequences.Parameters.AddWithValue("customers", counts.Keys.ToArray());
                sequences.Parameters.AddWithValue("counts", counts.Values.ToArray());
                await using var reader = await sequences.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var customer = reader.GetString(0);
                    next[customer] = reader.GetInt64(1) - counts[customer] + 1;
                }
            }

            // 4. The records, in request order, so each customer's positions follow its sequence numbers.
            var sequence = new long[fresh.Count];
            for (var i = 0; i < fresh.Count; i++)
            {
                sequence[i] = next[fresh[i].CustomerId]++;
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO interaction_log (partition, customer_id, customer_seq, event_id, event_type, occurred_at, appended_at, payload)
                SELECT u.partition, u.customer_id, u.customer_seq, u.event_id, u.event_type, u.occurred_at, @appended_at, u.payload
                FROM unnest(@partitions, @customers, @sequences, @ids, @types, @occurred, @payloads)
                     WITH ORDINALITY AS u(partition, customer_id, customer_seq, event_id, event_type, occurred_at, payload, n)
                ORDER BY u.n
                RETURNING event_id, position, customer_seq
                """, connection, transaction);
            insert.Parameters.AddWithValue("appended_at", time.GetUtcNow().UtcDateTime);
            insert.Parameters.AddWithValue("partitions", fresh.Select(e => partitionOf[e.CustomerId]).ToArray());
            insert.Parameters.AddWithValue("customers", fresh.Select(e => e.CustomerId).ToArray());
            insert.Parameters.AddWithValue("sequences", sequence);
            insert.Parameters.AddWithValue("ids", fresh.Select(e => e.EventId).ToArray());
            insert.Parameters.AddWithValue("types", fresh.Select(e => e.TypeName).ToArray());
            insert.Parameters.Add(new NpgsqlParameter("occurred", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = fresh.Select(e => e.OccurredAt.UtcDateTime).ToArray(),
            });
            insert.Parameters.AddWithValue("payloads", fresh.Select(InteractionJson.Serialize).ToArray());
            await using var inserted = await insert.ExecuteReaderAsync(cancellationToken);
            while (await inserted.ReadAsync(cancellationToken))
            {
                positions[inserted.GetString(0)] = (inserted.GetInt64(1), inserted.GetInt64(2));
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
            var records = new List<LogRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new LogRecord(
                    reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5)));
            }
            return records;
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
