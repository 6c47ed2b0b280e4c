using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using Microsoft.Data.Sqlite;
using System.Threading.Channels;
using Npgsql;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>One look at a customer's data: who (actor and role), whom, when, through which path, and what identified the customer.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Role, string CustomerId, string Path, string? Detail)
{
    /// <summary>The detail of an entry about an erased customer.</summary>
    public const string ErasedDetail = "[erased]";

    /// <summary>The longest actor id recorded (a sign-in attempt or a typed client may name anything).</summary>
    public const int MaxActor = 100;

    /// <summary>The entries of one look at <paramref name="customerIds"/>, the actor cut to <see cref="MaxActor"/> characters.</summary>
    public static AuditEntry[] Of(DateTimeOffset at, string actor, string role, IEnumerable<string> customerIds, string path, string? detail)
    {
        var who = actor.Length <= MaxActor ? actor : actor[..MaxActor];
        return [.. customerIds.Select(id => new AuditEntry(0, at, who, role, id, path, detail))];
    }
}

/// <summary>
/// The audit trail of lookups and pops. An entry is durable before the data it records is shown: appends from
/// concurrent requests share one write (group commit).
/// </summary>
public interface IAuditTrail
{
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>The entries of <paramref name="customerId"/> (all customers when null), newest first, with ids below <paramref name="beforeId"/> when given.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string? customerId, long? beforeId, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// For an erasure: replaces the detail of every entry about <paramref name="customerId"/> (which may name the number a call
    /// came from) by <see cref="AuditEntry.ErasedDetail"/>, the one change the trail allows. Who, whom, when and the path stay.
    /// Returns how many entries changed now.
    /// </summary>
    Task<int> EraseDetailsAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>For retention: erases the details of every entry made before <paramref name="before"/> the same way. Returns how many changed now.</summary>
    Task<int> EraseDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>For a retention report: how many entries made before <paramref name="before"/> still have a detail, and when the oldest was made.</summary>
    Task<AgedDetails> CountDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>How many entries of a kind of data are older than a cut-off and still hold personal data, and when the oldest was made (null when none).</summary>
public sealed record AgedDetails(int Count, DateTimeOffset? Oldest);

/// <summary>Appends in groups: one transaction for the entries of every request waiting at that moment.</summary>
public abstract class GroupCommittedAuditTrail : IAuditTrail, IAsyncDisposable
{
    private readonly GroupCommitter<IReadOnlyList<AuditEntry>, bool> committer;

    protected GroupCommittedAuditTrail() => committer = new(WriteGroupAsync);

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count > 0)
        {
            await committer.SubmitAsync(entries, cancellationToken);
            EngineMetrics.AuditAppends.Add(entries.Count);
        }
    }

    public abstract Task<IReadOnlyList<AuditEntry>> ReadAsync(string? customerId, long? beforeId, int maxCount, CancellationToken cancellationToken);

    public abstract Task<int> EraseDetailsAsync(string customerId, CancellationToken cancellationToken);

    public abstract Task<int> EraseDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    public abstract Task<AgedDetails> CountDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    private const string Erasable = "detail IS NOT NULL AND detail <> '" + AuditEntry.ErasedDetail + "'";
    private const string Erase = "UPDATE audit_trail SET detail = '" + AuditEntry.ErasedDetail + "' WHERE ";

    /// <summary>The statement of <see cref="EraseDetailsAsync"/>, in the parameter syntax both databases read.</summary>
    internal const string EraseDetails = Erase + "customer_id = @c AND " + Erasable;

    /// <summary>The statement of <see cref="EraseDetailsBeforeAsync"/>.</summary>
    internal const string EraseDetailsBefore = Erase + "at < @before AND " + Erasable;

    /// <summary>The query of <see cref="CountDetailsBeforeAsync"/>.</summary>
    internal const string CountDetailsBefore = "SELECT COUNT(*), MIN(at) FROM audit_trail WHERE at < @before AND " + Erasable;

    protected abstract Task WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    private async Task<IReadOnlyList<bool>> WriteGroupAsync(IReadOnlyList<IReadOnlyList<AuditEntry>> group, CancellationToken cancellationToken)
    {
        await WriteAsync([.. group.SelectMany(g => g)], cancellationToken);
        return [.. group.Select(_ => true)];
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return committer.DisposeAsync();
    }
}

/// <summary>
/// The audit trail of the embedded default. An entry is durable when its append completes: it is in the trail's own
/// journal (<see cref="AuditJournal"/>: one write and one fsync per group of concurrent appends, on a thread and in
/// files of its own, so a lookup never queues behind the interaction log's commits). A copier moves the journal's
/// entries into the <c>audit_trail</c> table of the interaction database in large transactions, with the journal's
/// sequence numbers as ids; entries not yet copied when the process stopped are copied at the next start. The copier
/// gathers for <see cref="CopyPause"/> before each copy, so a busy desk's lookups cost a few transactions a second on the
/// log's write lane rather than one per group, unless a reader waits. Reads wait until every entry appended before them
/// is in the table (and hurry the copy).
/// </summary>
public sealed class SqliteAuditTrail : IAuditTrail, IAsyncDisposable
{
    private const string Insert = "INSERT INTO audit_trail (id, at, actor, role, customer_id, path, detail) VALUES ($id, $at, $actor, $role, $c, $path, $detail)";
    private const int MaxCopy = 8192;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long the copier gathers entries before a copy when nobody waits for it.</summary>
    public static readonly TimeSpan CopyPause = TimeSpan.FromMilliseconds(250);

    private readonly EmbeddedDatabases databases;
    private readonly Lazy<Task<AuditJournal>> journal;
    private readonly Channel<IReadOnlyList<AuditEntry>> toTable =
        Channel.CreateUnbounded<IReadOnlyList<AuditEntry>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private TaskCompletionSource copied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource hurry = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long copiedUpTo;
    private Task copier = Task.CompletedTask;

    public SqliteAuditTrail(EmbeddedDatabases databases)
    {
        this.databases = databases;
        journal = new(OpenAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where the journal's files are: beside the interaction database.</summary>
    public string JournalDirectory => Path.Combine(Path.GetDirectoryName(databases.Log.Path)!, "audit-journal");

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count > 0)
        {
            // A caller that stops waiting does not withdraw its entries: they may already be durable.
            await (await journal.Value.WaitAsync(cancellationToken)).AppendAsync(entries).WaitAsync(cancellationToken);
            EngineMetrics.AuditAppends.Add(entries.Count);
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string? customerId, long? beforeId, int maxCount, CancellationToken cancellationToken)
    {
        await WaitCopiedAsync(cancellationToken);
        return await ReadTableAsync(customerId, beforeId, maxCount, cancellationToken);
    }

    /// <summary>
    /// Erases the details in the table once every entry appended before is there, then starts a new journal file and
    /// deletes the old ones, whose entries are all in the table: no file of the trail keeps the erased details.
    /// </summary>
    public Task<int> EraseDetailsAsync(string customerId, CancellationToken cancellationToken) =>
        EraseWhereAsync(GroupCommittedAuditTrail.EraseDetails, "@c", customerId, cancellationToken);

    /// <summary>Erases the details of entries made before <paramref name="before"/>, and the journal files that held them, as <see cref="EraseDetailsAsync"/> does.</summary>
    public Task<int> EraseDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        EraseWhereAsync(GroupCommittedAuditTrail.EraseDetailsBefore, "@before", SqliteDatabase.Time(before), cancellationToken);

    public async Task<AgedDetails> CountDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await WaitCopiedAsync(cancellationToken);
        return await databases.Log.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = GroupCommittedAuditTrail.CountDetailsBefore;
            command.Parameters.AddWithValue("@before", SqliteDatabase.Time(before));
            await using var r = await command.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return new AgedDetails(r.GetInt32(0), r.IsDBNull(1) ? null : SqliteDatabase.ParseTime(r.GetString(1)));
        }, cancellationToken);
    }

    private async Task<int> EraseWhereAsync(string statement, string parameter, string value, CancellationToken cancellationToken)
    {
        var opened = await WaitCopiedAsync(cancellationToken);
        var erased = await databases.Log.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.Parameters.AddWithValue(parameter, value);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        await opened.RollAsync().WaitAsync(cancellationToken);
        await WaitCopiedAsync(cancellationToken);
        opened.Release(Interlocked.Read(ref copiedUpTo));
        return erased;
    }

    /// <summary>Waits until every entry made durable before the call is in the table.</summary>
    private async Task<AuditJournal> WaitCopiedAsync(CancellationToken cancellationToken)
    {
        var opened = await journal.Value.WaitAsync(cancellationToken);
        var appended = opened.LastSequence;
        while (true)
        {
            var next = Volatile.Read(ref copied);
            if (Interlocked.Read(ref copiedUpTo) >= appended)
            {
                return opened;
            }
            Volatile.Read(ref hurry).TrySetResult();
            await next.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task<AuditJournal> OpenAsync()
    {
        var inTable = await databases.Log.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(id), 0) FROM audit_trail";
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);
        var opened = AuditJournal.Open(JournalDirectory, inTable, out var recovered, group => toTable.Writer.TryWrite(group));
        Interlocked.Exchange(ref copiedUpTo, inTable);
        if (recovered.Count > 0)
        {
            await CopyAsync(opened, recovered);
        }
        copier = Task.Run(() => CopyLoopAsync(opened));
        return opened;
    }

    private async Task CopyLoopAsync(AuditJournal opened)
    {
        var batch = new List<AuditEntry>(MaxCopy);
        while (await toTable.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await Task.WhenAny(Volatile.Read(ref hurry).Task, Task.Delay(CopyPause)).ConfigureAwait(false);
            Interlocked.Exchange(ref hurry, new(TaskCreationOptions.RunContinuationsAsynchronously));
            batch.Clear();
            while (batch.Count < MaxCopy && toTable.Reader.TryRead(out var group))
            {
                batch.AddRange(group);
            }
            while (true)
            {
                try
                {
                    await CopyAsync(opened, batch).ConfigureAwait(false);
                    break;
                }
#pragma warning disable CA1031 // The entries stay in the journal; the copy is tried again until it succeeds.
                catch (Exception)
#pragma warning restore CA1031
                {
                    await Task.Delay(RetryAfter).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CopyAsync(AuditJournal opened, IReadOnlyList<AuditEntry> entries)
    {
        await databases.Log.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            // One statement, prepared once per copy and bound again for each entry.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Insert;
            var id = command.Parameters.Add("$id", SqliteType.Integer);
            var at = command.Parameters.Add("$at", SqliteType.Text);
            var actor = command.Parameters.Add("$actor", SqliteType.Text);
            var role = command.Parameters.Add("$role", SqliteType.Text);
            var customer = command.Parameters.Add("$c", SqliteType.Text);
            var path = command.Parameters.Add("$path", SqliteType.Text);
            var detail = command.Parameters.Add("$detail", SqliteType.Text);
            command.Prepare();
            foreach (var e in entries)
            {
                id.Value = e.Id;
                at.Value = SqliteDatabase.Time(e.At);
                actor.Value = e.Actor;
                role.Value = e.Role;
                customer.Value = e.CustomerId;
                path.Value = e.Path;
                detail.Value = (object?)e.Detail ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return true;
        }, CancellationToken.None).ConfigureAwait(false);
        var last = entries[^1].Id;
        Interlocked.Exchange(ref copiedUpTo, last);
        opened.Release(last);
        Interlocked.Exchange(ref copied, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Makes what is waiting durable, copies the journal into the table and closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (!journal.IsValueCreated || !journal.Value.IsCompletedSuccessfully)
        {
            return;
        }
        var opened = await journal.Value;
        opened.Dispose();
        toTable.Writer.TryComplete();
        Volatile.Read(ref hurry).TrySetResult();
        await copier;
    }

    private Task<IReadOnlyList<AuditEntry>> ReadTableAsync(string? customerId, long? beforeId, int maxCount, CancellationToken cancellationToken) =>
        databases.Log.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT id, at, actor, role, customer_id, path, detail FROM audit_trail
                WHERE ($c IS NULL OR customer_id = $c) AND ($before IS NULL OR id < $before)
                ORDER BY id DESC LIMIT $limit
                """;
            command.Parameters.AddWithValue("$c", (object?)customerId ?? DBNull.Value);
            command.Parameters.AddWithValue("$before", (object?)beforeId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", maxCount);
            await using var r = await command.ExecuteReaderAsync(ct);
            var entries = new List<AuditEntry>();
            while (await r.ReadAsync(ct))
            {
                entries.Add(new AuditEntry(r.GetInt64(0), SqliteDatabase.ParseTime(r.GetString(1)), r.GetString(2), r.GetString(3),
                    r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
            }
            return (IReadOnlyList<AuditEntry>)entries;
        }, cancellationToken);
}

/// <summary>The audit trail in the cluster's PostgreSQL database.</summary>
public sealed class PostgresAuditTrail(PostgresDatabase database) : GroupCommittedAuditTrail
{
    protected override async Task WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO audit_trail (at, actor, role, customer_id, path, detail)
            SELECT * FROM unnest(@at, @actor, @role, @c, @path, @detail)
            """, connection);
        command.Parameters.AddWithValue("at", entries.Select(e => e.At.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("actor", entries.Select(e => e.Actor).ToArray());
        command.Parameters.AddWithValue("role", entries.Select(e => e.Role).ToArray());
        command.Parameters.AddWithValue("c", entries.Select(e => e.CustomerId).ToArray());
        command.Parameters.AddWithValue("path", entries.Select(e => e.Path).ToArray());
        command.Parameters.AddWithValue("detail", entries.Select(e => e.Detail).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override Task<int> EraseDetailsAsync(string customerId, CancellationToken cancellationToken) =>
        EraseWhereAsync(EraseDetails, "c", customerId, cancellationToken);

    public override Task<int> EraseDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        EraseWhereAsync(EraseDetailsBefore, "before", before.UtcDateTime, cancellationToken);

    private async Task<int> EraseWhereAsync(string statement, string parameter, object value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(statement, connection);
        command.Parameters.AddWithValue(parameter, value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<AgedDetails> CountDetailsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(CountDetailsBefore, connection);
        command.Parameters.AddWithValue("before", before.UtcDateTime);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        return new AgedDetails((int)r.GetInt64(0), r.IsDBNull(1) ? null : new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero));
    }

    public override async Task<IReadOnlyList<AuditEntry>> ReadAsync(string? customerId, long? beforeId, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT id, at, actor, role, customer_id, path, detail FROM audit_trail
            WHERE (@c::text IS NULL OR customer_id = @c) AND (@before::bigint IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("c", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)customerId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)beforeId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", maxCount);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await r.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(r.GetInt64(0), new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero), r.GetString(2), r.GetString(3),
                r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
        }
        return entries;
    }
}
