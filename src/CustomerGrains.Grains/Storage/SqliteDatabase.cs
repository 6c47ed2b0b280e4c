using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// One SQLite database file of the embedded default: opens connections with the settings durability needs
/// (write-ahead log, full sync) and applies the project's schema scripts once each, in order.
/// Writers take turns (<see cref="WriteAsync{T}"/>, <see cref="WhileWritingAsync{T}"/>): SQLite admits one writer per file, and Microsoft.Data.Sqlite
/// answers a busy file by putting the calling thread to sleep for 150 ms and trying again, so writers that
/// collide hold thread-pool threads asleep and stall the silo. Waiting on the gate costs no thread.
/// </summary>
public sealed class SqliteDatabase
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public SqliteDatabase(string path, string scriptPrefix)
    {
        Path = System.IO.Path.GetFullPath(path);
        writeGate = Gates.GetOrAdd(Path, static _ => new SemaphoreSlim(1, 1));
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

    // The one gate of this file in this process, shared by every writer of it: one write transaction at a time.
    private readonly SemaphoreSlim writeGate;

    /// <summary>Runs <paramref name="work"/> like <see cref="WithConnectionAsync{T}"/>, while no other writer of this process writes the file.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Task.Run(() => WhileWritingAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }, cancellationToken), cancellationToken);

    /// <summary>Runs <paramref name="write"/> (which writes this file through connections of its own) while no other writer of this process writes the file.</summary>
    public async Task<T> WhileWritingAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <inheritdoc cref="WhileWritingAsync{T}"/>
    public Task WhileWritingAsync(Func<Task> write, CancellationToken cancellationToken) =>
        WhileWritingAsync(async () =>
        {
            await write();
            return true;
        }, cancellationToken);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a thread-pool thread with an open connection. Microsoft.Data.Sqlite runs
    /// its "async" methods synchronously, so this keeps file I/O off grain turns and Orleans scheduler threads.
    /// </summary>
    public Task<T> WithConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection, cancellationToken);
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
