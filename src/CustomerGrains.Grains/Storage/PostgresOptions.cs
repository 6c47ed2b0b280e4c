using CustomerGrains.Grains.Hosting;
using Npgsql;

namespace CustomerGrains.Grains.Storage;

/// <summary>The PostgreSQL backend of cluster mode (configuration section <c>Storage:Postgres</c>).</summary>
public sealed class PostgresOptions : ISelfValidatingOptions
{
    public const string Section = "Storage:Postgres";

    /// <summary>An Npgsql connection string; its password is never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply the schema scripts at start (idempotent; silos starting together take turns). Default true.</summary>
    public bool MigrateAtStart { get; set; } = true;

    /// <summary>The longest an append may take before the caller is told the log is unavailable (503). Default 10 s.</summary>
    public TimeSpan AppendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Seconds to wait for a connection, from the server or from a busy pool, when the connection string does
    /// not say (Npgsql <c>Timeout</c>). Default 15. A stopped server refuses at once; this bounds the rest.
    /// </summary>
    public int ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Connections per pool when the connection string does not say (Npgsql <c>Maximum Pool Size</c>). Each silo
    /// has two pools (the log's and Orleans' providers'); keep silos × 2 × this below the server's
    /// <c>max_connections</c>. Default 20: more connections than cores only add contention.
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>Seconds a statement may run when the connection string does not say (Npgsql <c>Command Timeout</c>). Default 10.</summary>
    public int CommandTimeoutSeconds { get; set; } = 10;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{nameof(ConnectionString)} is required when Storage:Mode is Postgres";
        }
        else
        {
            string? problem = null;
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                problem = $"{nameof(ConnectionString)} is not a valid Npgsql connection string ({ex.Message})";
            }
            if (problem is not null)
            {
                yield return problem;
            }
        }
        if (AppendTimeout < TimeSpan.FromMilliseconds(100) || AppendTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{nameof(AppendTimeout)} must be between 100 ms and 5 minutes (was {AppendTimeout})";
        }
        if (ConnectTimeoutSeconds is < 1 or > 300)
        {
            yield return $"{nameof(ConnectTimeoutSeconds)} must be between 1 and 300 (was {ConnectTimeoutSeconds})";
        }
        if (MaxPoolSize is < 1 or > 1000)
        {
            yield return $"{nameof(MaxPoolSize)} must be between 1 and 1000 (was {MaxPoolSize})";
        }
        if (CommandTimeoutSeconds is < 1 or > 3600)
        {
            yield return $"{nameof(CommandTimeoutSeconds)} must be between 1 and 3600 (was {CommandTimeoutSeconds})";
        }
    }

    /// <summary>
    /// The connection string every component uses: the configured one, with bounded timeouts where it sets
    /// none and UTC as the session time zone, so an outage fails fast instead of hanging a caller.
    /// </summary>
    public string EffectiveConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        if (!ContainsKey(ConnectionString!, "Timeout"))
        {
            builder.Timeout = ConnectTimeoutSeconds;
        }
        if (!ContainsKey(ConnectionString!, "Command Timeout") && !ContainsKey(ConnectionString!, "CommandTimeout"))
        {
            builder.CommandTimeout = CommandTimeoutSeconds;
        }
        if (!ContainsKey(ConnectionString!, "Maximum Pool Size") && !ContainsKey(ConnectionString!, "Max Pool Size") && !ContainsKey(ConnectionString!, "MaxPoolSize"))
        {
            builder.MaxPoolSize = MaxPoolSize;
        }
        builder.Timezone ??= "UTC";
        return builder.ConnectionString;
    }

    private static bool ContainsKey(string connectionString, string key) =>
        connectionString.Split(';').Any(part => part.Split('=')[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase));
}
