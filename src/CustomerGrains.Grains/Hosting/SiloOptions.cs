namespace CustomerGrains.Grains.Hosting;

/// <summary>Identity and ports of a silo (configuration section <c>Orleans</c>).</summary>
public sealed class SiloOptions : ISelfValidatingOptions
{
    public const string Section = "Orleans";

    /// <summary>The cluster this silo joins. Silos and clients of one deployment share it.</summary>
    public string ClusterId { get; set; } = "customergrains-local";

    /// <summary>The service identity; stored state is keyed by it, so it must stay the same across deployments.</summary>
    public string ServiceId { get; set; } = "customergrains";

    /// <summary>Port for silo-to-silo traffic. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return $"{nameof(ClusterId)} must not be empty";
        }
        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return $"{nameof(ServiceId)} must not be empty";
        }
        if (SiloPort is < 1 or > 65535)
        {
            yield return $"{nameof(SiloPort)} must be a TCP port, 1-65535 (was {SiloPort})";
        }
        if (GatewayPort is < 1 or > 65535)
        {
            yield return $"{nameof(GatewayPort)} must be a TCP port, 1-65535 (was {GatewayPort})";
        }
        if (SiloPort == GatewayPort)
        {
            yield return $"{nameof(SiloPort)} and {nameof(GatewayPort)} must differ (both {SiloPort})";
        }
    }
}
