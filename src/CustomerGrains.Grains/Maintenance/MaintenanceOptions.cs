using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Maintenance;

/// <summary>Schedules of the maintenance work (configuration section <c>Maintenance</c>).</summary>
public sealed class MaintenanceOptions : ISelfValidatingOptions
{
    public const string Section = "Maintenance";

    /// <summary>How often customers due for a lifecycle review are swept. Default 1 minute (the reminder minimum).</summary>
    public TimeSpan LifecycleSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Customers reviewed concurrently by a sweep. Default 4.</summary>
    public int SweepConcurrency { get; set; } = 4;

    /// <summary>The most customers one sweep reviews (the rest wait for the next). Default 20000.</summary>
    public int SweepLimit { get; set; } = 20_000;

    /// <summary>
    /// The most customers a scheduled sweep reviews a second, so that reviews (each activates a customer who is not in
    /// memory) leave live lookups their share of the CPU, also after a restart or a bulk import leaves many reviews due at
    /// once. One sweep reviews at most half an interval's worth at this rate (and at most <see cref="SweepLimit"/>), so it
    /// ends well before the next is due. An administrator's sweep (<c>POST /api/maintenance/lifecycle-sweep</c>) reviews
    /// as many, unpaced. Default 50: 1,500 a minute, 2.1 million a day.
    /// </summary>
    public int SweepRate { get; set; } = 50;

    /// <summary>How many customers one sweep reviews at most: <see cref="SweepLimit"/>, or fewer at <see cref="SweepRate"/>.</summary>
    public int SweepBatch => (int)Math.Clamp(SweepRate * LifecycleSweepInterval.TotalSeconds / 2, 1, SweepLimit);

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
        if (SweepRate is < 1 or > 100_000)
        {
            yield return $"{nameof(SweepRate)} must be between 1 and 100000 customers a second (was {SweepRate})";
        }
    }
}
