using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// How often silos look for new value-model versions and measure the population (configuration section <c>ValueModel</c>).
/// The section's business options (margin, horizons, costs, the repeat-purchase model) bind to the domain's
/// <see cref="Domain.Value.ValueModelOptions"/> directly.
/// </summary>
public sealed class ValueOptions : ISelfValidatingOptions
{
    public const string Section = "ValueModel";

    /// <summary>How often a silo looks for a new model, population or policy version. Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the population statistics (tier cut points, RFM quintiles) are measured again. Default 10 min.</summary>
    public TimeSpan PopulationRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Validate()
    {
        if (RefreshInterval < TimeSpan.FromMilliseconds(100) || RefreshInterval > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(RefreshInterval)} must be between 100 ms and 1 hour (was {RefreshInterval})";
        }
        if (PopulationRefreshInterval < TimeSpan.FromMinutes(1) || PopulationRefreshInterval > TimeSpan.FromDays(7))
        {
            yield return $"{nameof(PopulationRefreshInterval)} must be between 1 minute and 7 days (was {PopulationRefreshInterval})";
        }
    }
}
