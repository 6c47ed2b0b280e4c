using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>One look at a customer's data: who (actor and role), whom, when, through which path, and what identified the customer.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Role, string CustomerId, string Path, string? Detail)
{
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
}

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

/// <summary>The audit trail in the embedded SQLite database.</summary>
public sealed class SqliteAuditTrail(EmbeddedDatabases databases) : GroupCommittedAuditTrail
{
    private const string Insert = "INSERT INTO audit_trail (at, actor, role, customer_id, path, detail) VALUES ($at, $actor, $role, $c, $path, $detail)";

    protected override Task WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken) =>
        databases.Log.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            // One statement, prepared once per group and bound again for each entry.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Insert;
            var at = command.Parameters.Add("$at", SqliteType.Text);
            var actor = command.Parameters.Add("$actor", SqliteType.Text);
            var role = command.Parameters.Add("$role", SqliteType.Text);
            var customer = command.Parameters.Add("$c", SqliteType.Text);
            var path = command.Parameters.Add("$path", SqliteType.Text);
            var detail = command.Parameters.Add("$detail", SqliteType.Text);
            command.Prepare();
            foreach (var e in entries)
            {
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
        }, cancellationToken);

    public override Task<IReadOnlyList<AuditEntry>> ReadAsync(string? customerId, long? beforeId, int maxCount, CancellationToken cancellationToken) =>
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
