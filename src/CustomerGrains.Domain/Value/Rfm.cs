namespace CustomerGrains.Domain.Value;

/// <summary>
/// The 20th, 40th, 60th and 80th percentiles of one RFM dimension over the customer population (type-7 interpolation).
/// A value scores 1 + the number of cut points it beats: strictly above them when higher is better,
/// strictly below them when lower is better; so a value equal to the 80th percentile scores 4, not 5.
/// </summary>
/// <param name="P20">20th percentile.</param>
/// <param name="P40">40th percentile.</param>
/// <param name="P60">60th percentile.</param>
/// <param name="P80">80th percentile.</param>
public readonly record struct QuintileCutPoints(double P20, double P40, double P60, double P80)
{
    /// <summary>Computes the cut points of a population of finite values.</summary>
    /// <exception cref="ArgumentException">The population is empty or holds a non-finite value.</exception>
    public static QuintileCutPoints FromPopulation(ReadOnlySpan<double> values)
    {
        double[] sorted = Quantiles.SortedCopy(values, nameof(values));
        return new QuintileCutPoints(
            Quantiles.Percentile(sorted, 0.2), Quantiles.Percentile(sorted, 0.4),
            Quantiles.Percentile(sorted, 0.6), Quantiles.Percentile(sorted, 0.8));
    }

    /// <summary>Score 1..5 where a higher value is better (frequency, monetary).</summary>
    public int ScoreHigherIsBetter(double value) =>
        1 + (value > P20 ? 1 : 0) + (value > P40 ? 1 : 0) + (value > P60 ? 1 : 0) + (value > P80 ? 1 : 0);

    /// <summary>Score 1..5 where a lower value is better (recency in days since the last purchase).</summary>
    public int ScoreLowerIsBetter(double value) =>
        1 + (value < P20 ? 1 : 0) + (value < P40 ? 1 : 0) + (value < P60 ? 1 : 0) + (value < P80 ? 1 : 0);
}

/// <summary>An RFM score (Hughes): recency, frequency and monetary quintile scores, each 1 (worst) to 5 (best).</summary>
/// <param name="Recency">Recency score; 5 = bought most recently.</param>
/// <param name="Frequency">Frequency score; 5 = most purchases.</param>
/// <param name="Monetary">Monetary score; 5 = highest net spend.</param>
public readonly record struct RfmScore(int Recency, int Frequency, int Monetary)
{
    /// <summary>The three digits as a number, e.g. 545.</summary>
    public int Code => (100 * Recency) + (10 * Frequency) + Monetary;

    /// <summary>The three digits, e.g. "545".</summary>
    public override string ToString() => string.Create(3, this, static (span, score) =>
    {
        span[0] = (char)('0' + score.Recency);
        span[1] = (char)('0' + score.Frequency);
        span[2] = (char)('0' + score.Monetary);
    });
}

/// <summary>Population quintile cut points for the three RFM dimensions.</summary>
/// <param name="RecencyDays">Cut points of days since the last purchase (lower is better).</param>
/// <param name="Frequency">Cut points of the number of purchases.</param>
/// <param name="Monetary">Cut points of total net spend.</param>
public sealed record RfmCutPoints(QuintileCutPoints RecencyDays, QuintileCutPoints Frequency, QuintileCutPoints Monetary)
{
    /// <summary>Computes the cut points from the population's recency (days), frequency and monetary values.</summary>
    public static RfmCutPoints FromPopulation(
        ReadOnlySpan<double> recencyDays, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary) =>
        new(QuintileCutPoints.FromPopulation(recencyDays),
            QuintileCutPoints.FromPopulation(frequency),
            QuintileCutPoints.FromPopulation(monetary));

    /// <summary>Scores one customer.</summary>
    public RfmScore Score(double recencyDays, double frequency, double monetary) =>
        new(RecencyDays.ScoreLowerIsBetter(recencyDays), Frequency.ScoreHigherIsBetter(frequency), Monetary.ScoreHigherIsBetter(monetary));
}
