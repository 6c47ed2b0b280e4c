using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// One SQLite database file of the embedded default: opens connections with the settings durability needs
/// (write-ahead log, full sync) and applies the project's schema scripts once each, in order.
/// Writers take turns (<see cref="WriteAsync{T}"/>, <see cref="WhileWritingAsync{T}"/>) on the one writer thread of the file:
/// SQLite admits one writer per file, and Microsoft.Data.Sqlite answers a busy file by putting the calling thread to sleep
/// for 150 ms and trying again. Reads run on the process's SQLite reader threads (<see cref="Readers"/>). Neither holds a
/// thread-pool thread while SQLite does its synchronous I/O, so a commit waiting for its fsync, or a burst of cold reads,
/// never starves the HTTP server or the grains of threads.
/// </summary>
public sealed class SqliteDatabase
{
    private static readonly ConcurrentDictionary<string, BlockingLane> Writers = new(StringComparer.Ordinal);

    /// <summary>The threads every SQLite file of the process is read on (<c>Storage:ReaderThreads</c>).</summary>
    public static BlockingLane Readers { get; } = new("sqlite reader", 4);

    public SqliteDatabase(string path, string scriptPrefix)
    {
        Path = System.IO.Path.GetFullPath(path);
        writer = Writers.GetOrAdd(Path, static p => new BlockingLane($"sqlite writer {System.IO.Path.GetFileName(p)}", 1));
        ScriptPrefix = scriptPrefix;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Scripts named <c>{prefix}-NNN-*.sql</c> in deploy/sql/sqlite belong to this database.</summary>
    public string ScriptPrefix { get; }

    public string ConnectionString { get; }

    // The one writer thread of this file in this process, shared by every writer of it: one write transaction at a time.
    private readonly BlockingLane writer;

    /// <summary>Runs <paramref name="work"/> with an open connection on the file's writer thread: no other writer of this process writes the file meanwhile.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        WhileWritingAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }, cancellationToken);

    /// <summary>Runs <paramref name="write"/> (which writes this file through connections of its own) on the file's writer thread, while no other writer of this process writes the file.</summary>
    public Task<T> WhileWritingAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken) => writer.RunAsync(write, cancellationToken);

    /// <inheritdoc cref="WhileWritingAsync{T}"/>
    public Task WhileWritingAsync(Func<Task> write, CancellationToken cancellationToken) => writer.RunAsync(write, cancellationToken);

    /// <summary>
    /// The settings of every connection.
    /// synchronous FULL: a commit is on disk (the write-ahead log flushed) before it is acknowledged.
    /// secure_delete: content that is deleted or replaced (an erased event, an old snapshot) is overwritten with zeros in
    /// the file, not left in free space where a copy of the file would still hold it.
    /// wal_autocheckpoint (16,384 pages, 64 MB): the write-ahead log is copied into the file when it holds this much, not
    /// every 4 MB. A page that many commits changed in between is copied once, so a live burst writes about a sixth less
    /// (docs/benchmarks.md); the log file stays at most about this size, and opening after a crash replays at most this.
    /// (A memory map of the file and a larger page cache were measured and not kept: docs/benchmarks.md.)
    /// </summary>
    private const string Pragmas =
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 16384;";

    // The SQLite handles already given the pragmas above; a handle leaves the table when it is closed and collected.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // A pooled connection keeps its SQLite handle, and the handle keeps these settings: set them once per handle,
            // not on every open (a parse and four statements per read or write).
            if (!Configured.TryGetValue(connection.Handle!, out _))
            {
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = Pragmas;
                await pragma.ExecuteNonQueryAsync(cancellationToken);
                Configured.AddOrUpdate(connection.Handle!, Marker);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a reader thread with an open connection. Microsoft.Data.Sqlite runs its "async"
    /// methods synchronously, so this keeps file I/O off grain turns, Orleans scheduler threads and the thread pool.
    /// </summary>
    public Task<T> WithConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Readers.RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Copies the write-ahead log into the file and empties it (a checkpoint in TRUNCATE mode), so that page images from
    /// before an erasure are no longer in the WAL file. Best effort: a reader still holding old pages keeps them until
    /// the next checkpoint that finds the WAL unused.
    /// </summary>
    public Task TruncateWriteAheadLogAsync(CancellationToken cancellationToken) =>
        WriteAsync(async (connection, ct) =>
        {
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            return await checkpoint.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>A time as stored: UTC, fixed width, so that text order is time order.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? at) => at is { } value ? Time(value) : null;

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    /// <summary>Creates the file if needed and applies every script not applied before. Safe to run at every start.</summary>
    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken) =>
        WhileWritingAsync(() => MigrateHoldingGateAsync(cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<string>> MigrateHoldingGateAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS schema_version (script TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);
                """;
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new List<string>();
        foreach (var (name, text) in SchemaScripts.Of("sqlite", ScriptPrefix + "-"))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT COUNT(*) FROM schema_version WHERE script = $script";
            check.Parameters.AddWithValue("$script", name);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                continue;
            }
            await using var apply = connection.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = text;
            await apply.ExecuteNonQueryAsync(cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (script, applied_at) VALUES ($script, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
            record.Parameters.AddWithValue("$script", name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            applied.Add(name);
        }
        return applied;
    }
}
