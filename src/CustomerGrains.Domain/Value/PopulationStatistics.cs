using System.Collections.Immutable;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// What a customer's value is compared against: the net-value cut points of the tiers (A the top 20%,
/// B the next 30%, C the rest with net value &gt;= 0, D below zero), the R/F/M quintile cut points of the
/// buyers, the net-value percentiles (for "high value" in the marketing and selection matrices), and how
/// many customers fall in each tier (A, B, C, D).
/// Computed over the whole customer base, active grains or not.
/// </summary>
public sealed record PopulationStatistics(
    int Customers,
    int Buyers,
    TierThresholds Tiers,
    RfmCutPoints? Rfm,
    ImmutableArray<double> NetValuePercentiles,
    ImmutableArray<int> TierCounts)
{
    /// <summary>The average need traits per tier ("A".."D"), for the individuality of a customer against their segment.</summary>
    public ImmutableDictionary<string, Needs.SegmentAverages>? Segments { get; init; }

    /// <summary>
    /// The population's complaints per customer-year (<see cref="ComplaintRate"/>), what a customer's own rate is compared
    /// with; null before a measurement that counted it.
    /// </summary>
    public double? ComplaintsPerYear { get; init; }

    /// <summary>
    /// The 80/20/30 report: per tier (A to D) the share of customers, of revenue and of profit so far, and of net value ahead;
    /// null for a population measured before the report existed.
    /// </summary>
    public IReadOnlyList<TierShare>? TierShares { get; init; }

    /// <summary>Before any population is measured: no tier but D, no RFM code, no percentile.</summary>
    public static PopulationStatistics Uncalibrated { get; } = new(0, 0, TierThresholds.Uncalibrated, null, [], []);

    public bool IsCalibrated => NetValuePercentiles.Length > 0;

    /// <summary>
    /// Scores every customer with <paramref name="model"/> as of <paramref name="now"/> and measures the population;
    /// with <paramref name="traits"/> (the customers' need traits, same order, null where unknown) also the average
    /// traits of each tier. A base read from a store is measured one customer at a time with <see cref="PopulationAccumulator"/>.
    /// </summary>
    public static PopulationStatistics Compute(
        IReadOnlyList<ValueInputs> customers, DateTimeOffset now, ValueModel model,
        IReadOnlyList<IReadOnlyDictionary<string, double>?>? traits = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var population = new PopulationAccumulator(now, model);
        for (var i = 0; i < customers.Count; i++)
        {
            population.Add(customers[i], traits?[i]);
        }
        return population.Result();
    }

    /// <summary>
    /// The share of customers (0..1) whose net value is at most <paramref name="netValue"/>; null when uncalibrated (no
    /// population measured: a made-up median would make every customer look average, or valuable).
    /// </summary>
    public double? PercentileOf(double netValue)
    {
        var points = NetValuePercentiles;
        if (points.Length == 0)
        {
            return null;
        }
        if (netValue <= points[0])
        {
            return 0;
        }
        if (netValue >= points[^1])
        {
            return 1;
        }
        var hi = 1;
        while (points[hi] < netValue)
        {
            hi++;
        }
        var lo = hi - 1;
        var span = points[hi] - points[lo];
        var within = span > 0 ? (netValue - points[lo]) / span : 0;
        return (lo + within) / (points.Length - 1);
    }
}
