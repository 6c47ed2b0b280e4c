using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Value;

/// <summary>The value model's business options and how often silos look for new versions (configuration section <c>ValueModel</c>).</summary>
public sealed class ValueOptions : ISelfValidatingOptions
{
    public const string Section = "ValueModel";

    /// <summary>Gross margin on spend (0..1). Default 0.3.</summary>
    public double Margin { get; set; } = 0.3;

    /// <summary>Horizon of <c>expectedPurchases</c> in weeks. Default 52.</summary>
    public double HorizonWeeks { get; set; } = 52;

    /// <summary>CLV horizon in months. Default 36.</summary>
    public int ClvHorizonMonths { get; set; } = 36;

    /// <summary>Annual discount rate of CLV. Default 0.10.</summary>
    public double AnnualDiscountRate { get; set; } = 0.10;

    /// <summary>Cost of one minute on the phone. Default 0.5.</summary>
    public double CostPerCallMinute { get; set; } = 0.5;

    /// <summary>Cost of handling one complaint. Default 25.</summary>
    public double CostPerComplaint { get; set; } = 25;

    /// <summary>Cost of handling one return. Default 10.</summary>
    public double CostPerReturn { get; set; } = 10;

    /// <summary>How often a silo looks for a new model, population or policy version. Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the population statistics (tier cut points, RFM quintiles) are measured again. Default 10 min.</summary>
    public TimeSpan PopulationRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    public ValueModelOptions ToModelOptions() => new()
    {
        Margin = Margin,
        HorizonWeeks = HorizonWeeks,
        ClvHorizonMonths = ClvHorizonMonths,
        AnnualDiscountRate = AnnualDiscountRate,
        CostPerCallMinute = CostPerCallMinute,
        CostPerComplaint = CostPerComplaint,
        CostPerReturn = CostPerReturn,
    };

    public IEnumerable<string> Validate()
    {
        foreach (var error in ToModelOptions().Validate())
        {
            yield return $"{error.Name} {error.Reason}";
        }
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
