using Npgsql;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// The PostgreSQL database of cluster mode, shared by every silo: the interaction log, the value model, read
/// model, policy and alert stores, and Orleans' membership, grain snapshots and reminders. Applies the project's schema scripts (deploy/sql/postgres)
/// once each, in name order, recorded in <c>schema_version</c>.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    // pg_advisory_xact_lock(class, key) classes of this application; the log's partition locks use LogLockClass.
    internal const int MigrationLockClass = 0x43474D; // "CGM"
    internal const int LogLockClass = 0x43474C;       // "CGL"
    internal const int PolicyLockClass = 0x434750;    // "CGP"
    internal const int AlertLockClass = 0x434741;     // "CGA"
    internal const int ChangeLockClass = 0x434743;    // "CGC": the change feed's positions (postgres/log-007)
    internal const int ReadModelRowLockClass = 0x434752; // "CGR": one customer's read-model row, keyed by the id's hash

    /// <summary>Taken by every writer of the change feed before its positions, held to its commit (postgres/log-007).</summary>
    internal static readonly string ChangeFeedLock = $"SELECT pg_advisory_xact_lock({ChangeLockClass}, 0)";

    private readonly NpgsqlDataSource dataSource;

    public PostgresDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        dataSource = NpgsqlDataSource.Create(connectionString);
        Describe = DescribeConnection(connectionString);
    }

    /// <summary>Host, port and database of a connection string, without its secrets.</summary>
    public static string DescribeConnection(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>The connection string (with its password: never log it).</summary>
    public string ConnectionString { get; }

    /// <summary>Host, port and database, for messages.</summary>
    public string Describe { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Applies every script not applied before, in one transaction. Silos that start together take turns
    /// on an advisory lock, so each script runs once. Returns the names of the scripts applied now.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockClass}, 0)", cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (script text NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);

        var done = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("SELECT script FROM schema_version", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                done.Add(reader.GetString(0));
            }
        }

        var applied = new List<string>();
        foreach (var (name, text) in SchemaScripts.Of("postgres"))
        {
            if (done.Contains(name))
            {
                continue;
            }
            await ExecuteAsync(connection, transaction, text, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (script) VALUES (@script)", connection, transaction);
            record.Parameters.AddWithValue("script", name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(name);
        }
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="insert"/> into a table whose identity ids must become visible in id order (a feed read
    /// with "id &gt; last"): first the table's transaction-scoped advisory lock <paramref name="lockClass"/>, then the
    /// insert, in one transaction and one round trip plus the commit. The lock is held until the commit, so the next
    /// writer takes its id only after this one is visible. Returns the rows the insert affected.
    /// </summary>
    internal Task<int> InsertInIdOrderAsync(int lockClass, NpgsqlBatchCommand insert, CancellationToken cancellationToken) =>
        InsertInIdOrderAsync([lockClass], insert, cancellationToken);

    /// <summary>As <see cref="InsertInIdOrderAsync(int, NpgsqlBatchCommand, CancellationToken)"/>, for an insert into several such tables: their locks in the order given.</summary>
    internal async Task<int> InsertInIdOrderAsync(IReadOnlyList<int> lockClasses, NpgsqlBatchCommand insert, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var lockClass in lockClasses)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({lockClass}, 0)"));
        }
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var affected = insert.RecordsAffected;
        await transaction.CommitAsync(cancellationToken);
        return affected;
    }

    /// <summary>Whether an exception means the database cannot be reached now (an outage), not a fault of the request.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient || npgsql is not PostgresException,
        TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        _ => false,
    };

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
