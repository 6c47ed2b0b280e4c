using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// Measures a population one customer at a time (<see cref="PopulationStatistics"/>), keeping a few numbers per customer
/// instead of the customers: their net value, revenue and profit so far, the R/F/M of buyers and the need traits in flat
/// lists, about 130 bytes a customer with six traits. The cut points need every net value, so they wait for
/// <see cref="Result"/>; a measurement of a million customers thus holds tens of megabytes rather than the million inputs
/// and trait dictionaries (gigabytes, promoted through every GC generation while the base is read).
/// </summary>
public sealed class PopulationAccumulator
{
    private static readonly RfmCutPoints UncalibratedRfm = new(default, default, default);

    private readonly DateTimeOffset now;
    private readonly ValueModel model;
    private readonly List<double> netValues = [];
    private readonly List<double> revenue = [];
    private readonly List<double> profit = [];
    private readonly List<double> recency = [];
    private readonly List<double> frequency = [];
    private readonly List<double> monetary = [];
    private double complaints;
    private double years;

    // The need traits of customer i are pairs traitStart[i] .. traitStart[i] + traitCount[i] of the flat lists, in the
    // order the customer's dictionary gave them; a count of -1 is a customer without traits.
    private readonly List<int> traitStart = [];
    private readonly List<int> traitCount = [];
    private readonly List<int> traitKeys = [];
    private readonly List<double> traitValues = [];
    private readonly Dictionary<string, int> keyIndex = new(StringComparer.Ordinal);
    private readonly List<string> keys = [];

    public PopulationAccumulator(DateTimeOffset now, ValueModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.now = now;
        this.model = model;
    }

    /// <summary>How many customers were added.</summary>
    public int Count => netValues.Count;

    /// <summary>Scores <paramref name="customer"/> as of the measurement's time and keeps what the statistics need.</summary>
    public void Add(ValueInputs customer, IReadOnlyDictionary<string, double>? traits = null)
    {
        complaints += customer.ComplaintCount;
        years += ComplaintRate.YearsKnown(customer.FirstSeenAt ?? customer.FirstPurchaseAt, now);
        netValues.Add(ValueScorer.Compute(customer, now, model, UncalibratedRfm, TierThresholds.Uncalibrated).NetValue);
        var spend = customer.TotalNetSpend;
        revenue.Add(spend);
        profit.Add((model.Options.Margin * spend) - ValueScorer.ServiceCostToDate(customer, model.Options));
        if (customer.LastPurchaseAt is { } last)
        {
            recency.Add(Math.Max(0, (now - last).TotalDays));
            frequency.Add(customer.TotalPurchaseCount);
            monetary.Add(spend);
        }
        traitStart.Add(traitKeys.Count);
        traitCount.Add(traits?.Count ?? -1);
        if (traits is not null)
        {
            foreach (var (key, value) in traits)
            {
                if (!keyIndex.TryGetValue(key, out var index))
                {
                    index = keys.Count;
                    keyIndex.Add(key, index);
                    keys.Add(key);
                }
                traitKeys.Add(index);
                traitValues.Add(value);
            }
        }
    }

    /// <summary>The statistics of the customers added so far; <see cref="PopulationStatistics.Uncalibrated"/> when none were.</summary>
    public PopulationStatistics Result()
    {
        if (Count == 0)
        {
            return PopulationStatistics.Uncalibrated;
        }
        var values = CollectionsMarshal.AsSpan(netValues);
        var tiers = TierThresholds.FromPopulation(values);
        var counts = new int[4];
        var tierRevenue = new double[4];
        var tierProfit = new double[4];
        var tierNetValue = new double[4];
        var sums = new Dictionary<string, double>[4];
        var withTraits = new int[4];
        for (var i = 0; i < values.Length; i++)
        {
            var tier = (int)tiers.Classify(values[i]);
            counts[tier]++;
            tierRevenue[tier] += revenue[i];
            tierProfit[tier] += profit[i];
            tierNetValue[tier] += values[i];
            if (traitCount[i] >= 0)
            {
                var sum = sums[tier] ??= new Dictionary<string, double>(StringComparer.Ordinal);
                for (var t = traitStart[i]; t < traitStart[i] + traitCount[i]; t++)
                {
                    var key = keys[traitKeys[t]];
                    sum[key] = sum.GetValueOrDefault(key) + traitValues[t];
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

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var percentiles = ImmutableArray.CreateBuilder<double>(101);
        for (var p = 0; p <= 100; p++)
        {
            percentiles.Add(Quantiles.Percentile(sorted, p / 100.0));
        }
        return new PopulationStatistics(
            Count,
            recency.Count,
            tiers,
            recency.Count > 0
                ? RfmCutPoints.FromPopulation(CollectionsMarshal.AsSpan(recency), CollectionsMarshal.AsSpan(frequency), CollectionsMarshal.AsSpan(monetary))
                : null,
            percentiles.MoveToImmutable(),
            [.. counts])
        {
            Segments = segments.Count > 0 ? segments.ToImmutable() : null,
            ComplaintsPerYear = complaints / years,
            TierShares = TierReport.Of(counts, tierRevenue, tierProfit, tierNetValue),
        };
    }
}
