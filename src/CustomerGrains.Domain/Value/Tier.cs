namespace CustomerGrains.Domain.Value;

/// <summary>Value tier by net-value percentile (display names such as Platinum/Gold are a presentation concern).</summary>
public enum Tier
{
    /// <summary>Top 20% of the population by net value, and net value ≥ 0.</summary>
    A,

    /// <summary>The next 30% (between the 50th and 80th percentiles), and net value ≥ 0.</summary>
    B,

    /// <summary>The rest with net value ≥ 0.</summary>
    C,

    /// <summary>Net value below 0: the customer costs more to serve than they bring.</summary>
    D,
}

/// <summary>
/// Tier boundaries from a population of net values: <see cref="TopThreshold"/> is the 80th and
/// <see cref="MiddleThreshold"/> the 50th percentile (type-7 interpolation). A value strictly above the 80th percentile
/// is A and strictly above the 50th is B, so for n distinct values the shares are 20% and 30% to within one customer;
/// any negative net value is D regardless of percentile.
/// </summary>
/// <param name="TopThreshold">Net value that tier A must exceed.</param>
/// <param name="MiddleThreshold">Net value that tier B must exceed.</param>
public sealed record TierThresholds(double TopThreshold, double MiddleThreshold)
{
    /// <summary>
    /// Thresholds before any population is known: no percentile exists, so <see cref="TierOf"/> gives no tier (uncalibrated)
    /// except D for a negative net value, the one tier that needs no population.
    /// </summary>
    public static TierThresholds Uncalibrated { get; } = new(double.PositiveInfinity, double.PositiveInfinity);

    /// <summary>Whether these thresholds were measured on a population.</summary>
    public bool IsCalibrated => double.IsFinite(TopThreshold) && double.IsFinite(MiddleThreshold);

    /// <summary>Computes the thresholds from the population's net values.</summary>
    /// <exception cref="ArgumentException">The population is empty or holds a non-finite value.</exception>
    public static TierThresholds FromPopulation(ReadOnlySpan<double> netValues)
    {
        double[] sorted = Quantiles.SortedCopy(netValues, nameof(netValues));
        return new TierThresholds(Quantiles.Percentile(sorted, 0.8), Quantiles.Percentile(sorted, 0.5));
    }

    /// <summary>
    /// The tier of one net value, or null (uncalibrated) when these thresholds were not measured and the net value is not
    /// negative: A, B and C are shares of a population, D is only "below zero".
    /// </summary>
    public Tier? TierOf(double netValue) => IsCalibrated || !(netValue >= 0) ? Classify(netValue) : null;

    /// <summary>
    /// Why <paramref name="netValue"/> has the tier <see cref="TierOf"/> gives it: the rule (<c>tier.A</c>..<c>tier.D</c>,
    /// <c>tier.uncalibrated</c>) and the cut points it was compared with. The tier is <see cref="TierOf"/>'s; the text only
    /// names the comparison that placed it.
    /// </summary>
    public (Tier? Tier, Reason Why) Explain(double netValue)
    {
        var tier = TierOf(netValue);
        var value = Formats.Number(netValue, "0.00");
        var top = Formats.Number(TopThreshold, "0.00");
        var middle = Formats.Number(MiddleThreshold, "0.00");
        return (tier, tier switch
        {
            Value.Tier.D => new Reason("tier.D", $"net value {value} is below 0: the customer costs more to serve than they bring"),
            Value.Tier.A => new Reason("tier.A", $"net value {value} is above the population's 80th percentile {top} (top 20%)"),
            Value.Tier.B => new Reason("tier.B", $"net value {value} is above the 50th percentile {middle} and at most the 80th {top} (next 30%)"),
            Value.Tier.C => new Reason("tier.C", $"net value {value} is at least 0 and at most the 50th percentile {middle}"),
            _ => new Reason("tier.uncalibrated", $"net value {value} is at least 0, and no population has been measured: A, B and C are shares of one"),
        });
    }

    /// <summary>The tier of one net value against these cut points (with uncalibrated thresholds every profitable value is C).</summary>
    public Tier Classify(double netValue) =>
        !(netValue >= 0) ? Tier.D
        : netValue > TopThreshold ? Tier.A
        : netValue > MiddleThreshold ? Tier.B
        : Tier.C;
}
