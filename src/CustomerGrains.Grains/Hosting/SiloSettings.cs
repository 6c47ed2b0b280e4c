using System.Net;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

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

    /// <summary>The sections these settings are bound from.</summary>
    public static IReadOnlyList<BoundOptions> Sections { get; } =
    [
        new(SiloOptions.Section, typeof(SiloOptions)),
        new(PostgresOptions.Section, typeof(PostgresOptions)),
        new(MembershipOptions.Section, typeof(MembershipOptions)),
    ];

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
