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
    /// traits of each tier.
    /// </summary>
    public static PopulationStatistics Compute(
        IReadOnlyList<ValueInputs> customers, DateTimeOffset now, ValueModel model,
        IReadOnlyList<IReadOnlyDictionary<string, double>?>? traits = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(model);
        if (customers.Count == 0)
        {
            return Uncalibrated;
        }
        var uncalibratedRfm = new RfmCutPoints(default, default, default);
        var netValues = new double[customers.Count];
        var recency = new List<double>(customers.Count);
        var frequency = new List<double>(customers.Count);
        var monetary = new List<double>(customers.Count);
        double complaints = 0, years = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            var c = customers[i];
            complaints += c.ComplaintCount;
            years += ComplaintRate.YearsKnown(c.FirstSeenAt ?? c.FirstPurchaseAt, now);
            netValues[i] = ValueScorer.Compute(c, now, model, uncalibratedRfm, TierThresholds.Uncalibrated).NetValue;
            if (c.LastPurchaseAt is { } last)
            {
                recency.Add(Math.Max(0, (now - last).TotalDays));
                frequency.Add(c.TotalPurchaseCount);
                monetary.Add(c.TotalNetSpend);
            }
        }

        var tiers = TierThresholds.FromPopulation(netValues);
        var counts = new int[4];
        var revenue = new double[4];
        var profit = new double[4];
        var netValue = new double[4];
        var sums = new Dictionary<string, double>[4];
        var withTraits = new int[4];
        for (var i = 0; i < netValues.Length; i++)
        {
            var tier = (int)tiers.Classify(netValues[i]);
            counts[tier]++;
            var spend = customers[i].TotalNetSpend;
            revenue[tier] += spend;
            profit[tier] += (model.Options.Margin * spend) - ValueScorer.ServiceCostToDate(customers[i], model.Options);
            netValue[tier] += netValues[i];
            if (traits?[i] is { } customerTraits)
            {
                var sum = sums[tier] ??= new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (key, value) in customerTraits)
                {
                    sum[key] = sum.GetValueOrDefault(key) + value;
                }
                withTraits[tier]++;
            }
        }
        var segments = ImmutableDictionary.CreateBuilder<string, Needs.SegmentAverages>(StringComparer.Ordinal);
        for (var tier = 0; tier < 4; tier++)
        {
            if (withTraits[tier] > 0)
            {
                var name = ((Tier)tier).ToString();
                var n = withTraits[tier];
                segments[name] = new Needs.SegmentAverages(name, sums[tier].ToDictionary(kv => kv.Key, kv => kv.Value / n, StringComparer.Ordinal));
            }
        }

        Array.Sort(netValues);
        var percentiles = ImmutableArray.CreateBuilder<double>(101);
        for (var p = 0; p <= 100; p++)
        {
            percentiles.Add(Quantiles.Percentile(netValues, p / 100.0));
        }
        return new PopulationStatistics(
            customers.Count,
            recency.Count,
            tiers,
            recency.Count > 0
                ? RfmCutPoints.FromPopulation(recency.ToArray(), frequency.ToArray(), monetary.ToArray())
                : null,
            percentiles.MoveToImmutable(),
            [.. counts])
        {
            Segments = segments.Count > 0 ? segments.ToImmutable() : null,
            ComplaintsPerYear = complaints / years,
            TierShares = TierReport.Of(counts, revenue, profit, netValue),
        };
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
