using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Maintenance;

/// <summary>Schedules of the maintenance work (configuration section <c>Maintenance</c>).</summary>
public sealed class MaintenanceOptions : ISelfValidatingOptions
{
    public const string Section = "Maintenance";

    /// <summary>How often customers due for a lifecycle review are swept. Default 1 minute (the reminder minimum).</summary>
    public TimeSpan LifecycleSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Customers reviewed concurrently by a sweep. Default 16.</summary>
    public int SweepConcurrency { get; set; } = 16;

    /// <summary>The most customers one sweep reviews (the rest wait for the next). Default 20000.</summary>
    public int SweepLimit { get; set; } = 20_000;

    public IEnumerable<string> Validate()
    {
        if (LifecycleSweepInterval < TimeSpan.FromMinutes(1) || LifecycleSweepInterval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(LifecycleSweepInterval)} must be between 1 minute and 1 day (was {LifecycleSweepInterval})";
        }
        if (SweepConcurrency is < 1 or > 1000)
        {
            yield return $"{nameof(SweepConcurrency)} must be between 1 and 1000 (was {SweepConcurrency})";
        }
        if (SweepLimit < 1)
        {
            yield return $"{nameof(SweepLimit)} must be at least 1 (was {SweepLimit})";
        }
    }
}
