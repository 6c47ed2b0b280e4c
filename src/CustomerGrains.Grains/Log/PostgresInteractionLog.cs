using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
/// <para>
/// Idle partitions are not read at every poll: PostgreSQL announces each append (deploy/sql/postgres/log-004),
/// and <see cref="MayHaveRecordsAfter"/> answers from what this silo heard (see <see cref="AppendAnnouncements"/>).
/// </para>
/// </summary>
public sealed class PostgresInteractionLog : IInteractionLog, IAsyncDisposable
{
    private const string Columns = LogRecordReader.Columns;

    private readonly PostgresDatabase database;
    private readonly LogPartitioner partitioner;
    private readonly TimeProvider time;
    private readonly TimeSpan appendTimeout;
    private readonly GroupCommitter<IReadOnlyList<InteractionEvent>, AppendResult> committer;
    private readonly AppendAnnouncements announcements;

    public PostgresInteractionLog(PostgresDatabase database, LogPartitioner partitioner, TimeProvider time, IOptions<PostgresOptions> options,
        ILogger<PostgresInteractionLog>? logger = null)
    {
        this.database = database;
        this.partitioner = partitioner;
        this.time = time;
        appendTimeout = options.Value.AppendTimeout;
        committer = new GroupCommitter<IReadOnlyList<InteractionEvent>, AppendResult>(WriteGroupWithRetryAsync, time: time);
        announcements = new AppendAnnouncements(database.ConnectionString, partitioner.Partitions, time, logger ?? NullLogger<PostgresInteractionLog>.Instance);
    }

    // Other silos append too: only the announcements of every append, heard since the last complete read of the
    // partition, let this silo say a partition has nothing new.
    public bool MayHaveRecordsAfter(int partition, long position) => announcements.MayHaveRecordsAfter(partition, position);

    public TimeSpan AppendWait => committer.OldestWait;

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
                    // This silo's own appends are known at once, before PostgreSQL's announcement comes back.
                    announcements.Heard(partitionOf[e.CustomerId], at.Position);
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

    public async Task<IReadOnlyList<LogRecord>> ReadPartitionAsync(int partition, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        // Taken before the read: only a read that began while this silo was listening can vouch for the quiet after it.
        var listening = announcements.Listening;
        var records = await ReadAsync($"SELECT {Columns} FROM interaction_log WHERE partition = @a AND position > @b ORDER BY position LIMIT @c",
            partition, afterPosition, maxCount, cancellationToken);
        if (records.Count > 0)
        {
            announcements.Heard(partition, records[^1].Position);
        }
        if (records.Count < maxCount)
        {
            announcements.ReadToEnd(partition, listening);
        }
        return records;
    }

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

    public async Task<PartitionBacklog> ReadBacklogAsync(int partition, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                WITH done AS (SELECT COALESCE((SELECT position FROM stream_checkpoint WHERE partition = @p), 0) AS position)
                SELECT COALESCE((SELECT MAX(position) FROM interaction_log WHERE partition = @p), 0), done.position,
                       (SELECT COUNT(*) FROM interaction_log WHERE partition = @p AND position > done.position),
                       (SELECT MIN(appended_at) FROM interaction_log WHERE partition = @p AND position > done.position)
                FROM done
                """, connection);
            command.Parameters.AddWithValue("p", partition);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            await r.ReadAsync(cancellationToken);
            return new PartitionBacklog(partition, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2),
                r.IsDBNull(3) ? null : new DateTimeOffset(r.GetDateTime(3), TimeSpan.Zero));
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The backlog of partition {partition} at {database.Describe} could not be read: {ex.Message}", ex);
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

    public async Task<LogErasure> EraseCustomerAsync(string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The customer's sequence row, locked: an append of this customer commits before (its rows are seen below and
            // erased) or waits until this commits (and is numbered after the erasure).
            await using var last = new NpgsqlCommand("SELECT last_seq FROM customer_sequence WHERE customer_id = @c FOR UPDATE", connection, transaction);
            last.Parameters.AddWithValue("c", customerId);
            var sequence = await last.ExecuteScalarAsync(cancellationToken) is long n ? n : 0;
            await using var rewrite = new NpgsqlCommand(
                "UPDATE interaction_log SET payload = @tombstone WHERE customer_id = @c AND NOT starts_with(payload, @prefix)", connection, transaction);
            rewrite.Parameters.AddWithValue("tombstone", LogRecord.Tombstone(at));
            rewrite.Parameters.AddWithValue("c", customerId);
            rewrite.Parameters.AddWithValue("prefix", LogRecord.TombstonePrefix);
            var rows = await rewrite.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new LogErasure(sequence, rows);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The events of customer {customerId} at {database.Describe} could not be erased: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<string>> CustomersWithEventsBeforeAsync(
        IReadOnlyList<EventAge> ages, string afterCustomerId, int maxCount, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"""
                SELECT DISTINCT customer_id FROM interaction_log
                WHERE {EventAge.Condition(ages, '@')}
                  AND customer_id > @after ORDER BY customer_id LIMIT @limit
                """, connection);
            for (var i = 0; i < ages.Count; i++)
            {
                command.Parameters.AddWithValue($"type{i}", ages[i].EventType);
                command.Parameters.AddWithValue($"before{i}", ages[i].Before.UtcDateTime);
            }
            command.Parameters.AddWithValue("after", afterCustomerId);
            command.Parameters.AddWithValue("limit", maxCount);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var ids = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
            return ids;
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The interaction log at {database.Describe} could not be read: {ex.Message}", ex);
        }
    }

    public async Task<int> RewriteAsync(IReadOnlyList<LogRewrite> rewrites, CancellationToken cancellationToken)
    {
        if (rewrites.Count == 0)
        {
            return 0;
        }
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                UPDATE interaction_log AS l SET payload = r.payload
                FROM unnest(@position, @expected, @payload) AS r(position, expected, payload)
                WHERE l.position = r.position AND l.payload = r.expected
                """, connection);
            command.Parameters.AddWithValue("position", rewrites.Select(r => r.Position).ToArray());
            command.Parameters.AddWithValue("expected", rewrites.Select(r => r.Expected).ToArray());
            command.Parameters.AddWithValue("payload", rewrites.Select(r => r.Payload).ToArray());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The interaction log at {database.Describe} could not be rewritten: {ex.Message}", ex);
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

    public async ValueTask DisposeAsync()
    {
        await announcements.DisposeAsync();
        await committer.DisposeAsync();
    }
}

/// <summary>
/// What this silo has heard of appends to the log, per partition, from PostgreSQL's announcements (NOTIFY on the channel
/// <see cref="Channel"/>, sent by a trigger when an append commits) and from its own appends and reads. It lets a pulling
/// agent skip the read of an idle partition, and never hides a record:
/// <list type="bullet">
/// <item>a partition may have records after a position when a higher position was heard of;</item>
/// <item>otherwise it has none only if a read of the partition reached its end after the listener's current connection
/// started listening: a record committed after that read's snapshot was announced to this connection, and one committed
/// before it was in the read. After the listener reconnects (announcements may have been missed) every partition is read
/// again before it counts as quiet;</item>
/// <item>and a quiet partition is read anyway every <see cref="SafetyReadInterval"/>, should the listener's connection die
/// without this process noticing yet, or a writer append without announcing.</item>
/// </list>
/// Delivery stays at least once and in order: the answer only decides whether a poll reads, and reads always continue
/// after the last position read.
/// </summary>
internal sealed partial class AppendAnnouncements : IAsyncDisposable
{
    public const string Channel = "interaction_log_appended";

    /// <summary>The longest a partition counts as quiet without being read.</summary>
    public static readonly TimeSpan SafetyReadInterval = TimeSpan.FromSeconds(1);

    // A listener that heard nothing for this long checks its connection with a query.
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly string connectionString;
    private readonly TimeProvider time;
    private int disposed;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly long[] heard;
    private readonly long[] quietSession;
    private readonly DateTimeOffset[] quietSince;
    private readonly CancellationTokenSource stopping = new();
    private long session;
    private long sessions;
    private int started;
    private Task listening = Task.CompletedTask;

    public AppendAnnouncements(string connectionString, int partitions, TimeProvider time, ILogger logger)
    {
        // Its own connection, outside the pools: it stays open and listening for the life of the silo.
        this.connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = "customergrains-log-listener",
        }.ConnectionString;
        this.time = time;
        this.logger = logger;
        heard = new long[partitions];
        quietSession = new long[partitions];
        quietSince = new DateTimeOffset[partitions];
    }

    /// <summary>The current listening session (a new one after every reconnection), or 0 while not listening.</summary>
    public long Listening => Volatile.Read(ref session);

    public bool MayHaveRecordsAfter(int partition, long position)
    {
        // The listener starts with the first partition reader: a log used only to append and read needs none.
        if (Interlocked.CompareExchange(ref started, 1, 0) == 0)
        {
            listening = Task.Run(ListenAsync);
        }
        var current = Listening;
        lock (gate)
        {
            return heard[partition] > position
                || current == 0
                || quietSession[partition] != current
                || time.GetUtcNow() - quietSince[partition] >= SafetyReadInterval;
        }
    }

    /// <summary>Records that <paramref name="position"/> of <paramref name="partition"/> is committed.</summary>
    public void Heard(int partition, long position)
    {
        lock (gate)
        {
            heard[partition] = Math.Max(heard[partition], position);
        }
    }

    /// <summary>A read of <paramref name="partition"/> that began in listening session <paramref name="readSession"/> returned everything after its start.</summary>
    public void ReadToEnd(int partition, long readSession)
    {
        lock (gate)
        {
            if (readSession != 0 && readSession == Listening)
            {
                quietSession[partition] = readSession;
                quietSince[partition] = time.GetUtcNow();
            }
        }
    }

    private async Task ListenAsync()
    {
        var token = stopping.Token;
        var delay = TimeSpan.FromMilliseconds(250);
        var wasListening = false;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += OnNotification;
                await connection.OpenAsync(token);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(token);
                }
                Volatile.Write(ref session, Interlocked.Increment(ref sessions));
                LogListening(Channel);
                wasListening = true;
                delay = TimeSpan.FromMilliseconds(250);
                while (true)
                {
                    if (!await connection.WaitAsync(IdleCheck, token))
                    {
                        await using var check = new NpgsqlCommand("SELECT 1", connection);
                        await check.ExecuteScalarAsync(token);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever broke the connection, the agents poll until the listener is back.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (wasListening)
                {
                    LogLost(ex);
                    wasListening = false;
                }
            }
            finally
            {
                Volatile.Write(ref session, 0);
            }
            try
            {
                await Task.Delay(delay, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(MaxReconnectDelay.Ticks, delay.Ticks * 2));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var separator = e.Payload.IndexOf(':', StringComparison.Ordinal);
        if (separator > 0
            && int.TryParse(e.Payload.AsSpan(0, separator), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var partition)
            && long.TryParse(e.Payload.AsSpan(separator + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
            && partition >= 0 && partition < heard.Length)
        {
            Heard(partition, position);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Disposed once: a host that fails to start may dispose the log through more than one of its registrations.
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }
        await stopping.CancelAsync();
        await listening;
        stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for appends to the interaction log on {Channel}; idle partitions are read every second only")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped hearing about appends to the interaction log; partitions are read at every poll until the listener reconnects")]
    private partial void LogLost(Exception ex);
}
