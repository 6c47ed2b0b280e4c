namespace CustomerGrains.Grains.Hosting;

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
