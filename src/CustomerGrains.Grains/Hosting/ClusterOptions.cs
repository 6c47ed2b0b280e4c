using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Where the engine keeps its data.</summary>
public enum StorageMode
{
    /// <summary>The embedded default: one silo, SQLite files under <c>Storage:DataDirectory</c>.</summary>
    Sqlite,

    /// <summary>A cluster: every silo shares one PostgreSQL database (<c>Storage:Postgres:ConnectionString</c>).</summary>
    Postgres,
}

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

/// <summary>
/// Failure detection of a cluster (configuration section <c>Orleans:Membership</c>). The defaults suit
/// production on a network (a dead silo is declared in about half a minute without false positives from
/// a long GC pause); tests and the local cluster shorten them so a killed silo is declared within seconds.
/// </summary>
public sealed class MembershipOptions : ISelfValidatingOptions
{
    public const string Section = "Orleans:Membership";

    /// <summary>How long a probe may take before it counts as missed. Production: 5 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes in a row before a silo votes its target suspect. Production: 3.</summary>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Suspect votes that declare a silo dead. Production: 2.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a suspect vote counts. Production: 2 minutes.</summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a silo writes that it is alive. Production: 30 s.</summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo re-reads the membership table. Production: 60 s.</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<string> Validate()
    {
        if (ProbeTimeout < TimeSpan.FromMilliseconds(100) || ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(ProbeTimeout)} must be between 100 ms and 1 minute (was {ProbeTimeout})";
        }
        if (NumMissedProbesLimit is < 1 or > 10)
        {
            yield return $"{nameof(NumMissedProbesLimit)} must be between 1 and 10 (was {NumMissedProbesLimit})";
        }
        if (NumVotesForDeathDeclaration is < 1 or > 10)
        {
            yield return $"{nameof(NumVotesForDeathDeclaration)} must be between 1 and 10 (was {NumVotesForDeathDeclaration})";
        }
        if (DeathVoteExpirationTimeout < ProbeTimeout)
        {
            yield return $"{nameof(DeathVoteExpirationTimeout)} must be at least {nameof(ProbeTimeout)} (was {DeathVoteExpirationTimeout})";
        }
        if (IAmAliveTablePublishTimeout < TimeSpan.FromMilliseconds(100) || IAmAliveTablePublishTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(IAmAliveTablePublishTimeout)} must be between 100 ms and 10 minutes (was {IAmAliveTablePublishTimeout})";
        }
        if (TableRefreshTimeout < TimeSpan.FromMilliseconds(100) || TableRefreshTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(TableRefreshTimeout)} must be between 100 ms and 10 minutes (was {TableRefreshTimeout})";
        }
    }

    internal void ApplyTo(Orleans.Configuration.ClusterMembershipOptions o)
    {
        o.ProbeTimeout = ProbeTimeout;
        o.NumMissedProbesLimit = NumMissedProbesLimit;
        o.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration;
        o.DeathVoteExpirationTimeout = DeathVoteExpirationTimeout;
        o.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
        o.TableRefreshTimeout = TableRefreshTimeout;
    }
}

/// <summary>
/// The settings a silo needs while it is being built (storage mode, identity, ports, failure detection),
/// read and validated together so that every problem is reported at once.
/// </summary>
public sealed class SiloSettings
{
    private SiloSettings(StorageMode mode, SiloOptions silo, PostgresOptions postgres, MembershipOptions membership, IPAddress advertised)
    {
        Mode = mode;
        Silo = silo;
        Postgres = postgres;
        Membership = membership;
        AdvertisedAddress = advertised;
    }

    public StorageMode Mode { get; }
    public SiloOptions Silo { get; }
    public PostgresOptions Postgres { get; }
    public MembershipOptions Membership { get; }

    /// <summary>The address other silos and clients reach this silo at (<c>Orleans:AdvertisedAddress</c>, default 127.0.0.1).</summary>
    public IPAddress AdvertisedAddress { get; }

    /// <summary>Reads <c>Storage:Mode</c> and the sections it needs; throws listing every problem.</summary>
    public static SiloSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var modeText = configuration["Storage:Mode"];
        var mode = StorageMode.Sqlite;
        if (!string.IsNullOrWhiteSpace(modeText) && !Enum.TryParse(modeText, ignoreCase: true, out mode))
        {
            problems.Add($"Storage:Mode must be Sqlite or Postgres (was '{modeText}')");
        }
        var silo = Bind<SiloOptions>(configuration, SiloOptions.Section, problems);
        var postgres = Bind<PostgresOptions>(configuration, PostgresOptions.Section, mode == StorageMode.Postgres ? problems : null);
        var membership = Bind<MembershipOptions>(configuration, MembershipOptions.Section, problems);
        var addressText = configuration["Orleans:AdvertisedAddress"];
        var advertised = IPAddress.Loopback;
        if (!string.IsNullOrWhiteSpace(addressText) && !IPAddress.TryParse(addressText, out advertised!))
        {
            problems.Add($"Orleans:AdvertisedAddress must be an IP address (was '{addressText}')");
        }
        return problems.Count == 0
            ? new SiloSettings(mode, silo, postgres, membership, advertised)
            : throw new OptionsValidationException("Storage, Orleans", typeof(SiloSettings), problems);
    }

    private static T Bind<T>(IConfiguration configuration, string section, List<string>? problems) where T : ISelfValidatingOptions, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            problems?.Add($"{section}: {ex.Message}");
            return options;
        }
        problems?.AddRange(options.Validate().Select(p => $"{section}:{p}"));
        return options;
    }
}
