namespace CustomerGrains.Domain.Lifecycle;

/// <summary>
/// The thresholds of the lifecycle stages. P(alive) comes from the value model; the other figures are
/// read from the customer's own history. <see cref="Validate"/> lists every problem at once.
/// </summary>
public sealed record LifecycleOptions
{
    /// <summary>Below this P(alive) the relationship is declining (unless within the customer's own rhythm). Default 0.5.</summary>
    public double DeclinePAlive { get; init; } = 0.5;

    /// <summary>Below this P(alive) the customer has churned (unless within the customer's own rhythm). Default 0.2.</summary>
    public double ChurnPAlive { get; init; } = 0.2;

    /// <summary>The P(alive) a customer needs to enter stability. Default 0.7.</summary>
    public double StabilityPAlive { get; init; } = 0.7;

    /// <summary>How long since the first purchase (or the win-back) before stability. Default 180 days.</summary>
    public TimeSpan StabilityTenure { get; init; } = TimeSpan.FromDays(180);

    /// <summary>Repeat purchases (distinct days after the first) needed for stability. Default 3.</summary>
    public int StabilityMinRepeatPurchases { get; init; } = 3;

    /// <summary>
    /// How far beyond the customer's own longest gap between purchases the current gap may grow before
    /// time alone counts against them, as a factor (1.0 = exactly the longest gap). Default 1.0.
    /// </summary>
    public double RhythmTolerance { get; init; } = 1.0;

    /// <summary>How many gaps between purchase days make a rhythm worth respecting. Default 1.</summary>
    public int MinGapsForRhythm { get; init; } = 1;

    /// <summary>How long a complaint may stay open before it weakens the relationship. Default 7 days.</summary>
    public TimeSpan UnresolvedComplaintAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a survey answer counts as a sign of (dis)satisfaction. Default 180 days.</summary>
    public TimeSpan DissatisfactionWindow { get; init; } = TimeSpan.FromDays(180);

    /// <summary>A weighted experience gap at or below this is poor (scale -10..10). Default -2.</summary>
    public double PoorWeightedGap { get; init; } = -2;

    /// <summary>A weighted experience gap that fell by at least this since the previous answer is worsening. Default 2.</summary>
    public double WorseningGapDrop { get; init; } = 2;

    /// <summary>A net-promoter score at or below this marks a detractor. Default 6.</summary>
    public int DetractorNps { get; init; } = 6;

    /// <summary>Stability lasting at least this long is the long-stability pattern; shorter before decline is early decline. Default 365 days.</summary>
    public TimeSpan LongStability { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How many of the latest purchase days (and the intervals before them) the spend trend compares with the customer's earlier history. Default 3.</summary>
    public int SpendTrendPurchases { get; init; } = 3;

    /// <summary>A recent spend rate at or below this share of the customer's own earlier rate is a falling trend: decline. Default 0.5.</summary>
    public double FallingSpendTrend { get; init; } = 0.5;

    /// <summary>A recent spend rate at or above this multiple of the customer's own earlier rate is rising value (formation). Default 1.5.</summary>
    public double RisingSpendTrend { get; init; } = 1.5;

    /// <summary>
    /// The longest a customer goes unevaluated by the periodic sweep; without a nearer deadline a customer is due again
    /// between three quarters of it and all of it (by its id, so that customers changed together fall due apart). Default 1 day.
    /// </summary>
    public TimeSpan ReviewInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// When a customer with no nearer deadline is next reviewed: between three quarters of <see cref="ReviewInterval"/>
    /// and all of it, by <see cref="StableHash.Mixed"/> of the customer's id (the same on every machine and run, and
    /// sequential ids spread too). Customers changed in the same minute (a bulk import, a seed) thus fall due over a
    /// quarter of the interval rather than all in one minute.
    /// </summary>
    public TimeSpan ReviewAfter(string customerId) =>
        ReviewInterval - ReviewInterval * (StableHash.Mixed(customerId) / (4.0 * (1L << 32)));

    /// <summary>Every problem of these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }
        Check(ChurnPAlive is >= 0 and <= 1, $"{nameof(ChurnPAlive)} must be between 0 and 1 (was {ChurnPAlive})");
        Check(DeclinePAlive is >= 0 and <= 1, $"{nameof(DeclinePAlive)} must be between 0 and 1 (was {DeclinePAlive})");
        Check(StabilityPAlive is >= 0 and <= 1, $"{nameof(StabilityPAlive)} must be between 0 and 1 (was {StabilityPAlive})");
        Check(ChurnPAlive < DeclinePAlive, $"{nameof(ChurnPAlive)} ({ChurnPAlive}) must be below {nameof(DeclinePAlive)} ({DeclinePAlive})");
        Check(DeclinePAlive <= StabilityPAlive, $"{nameof(DeclinePAlive)} ({DeclinePAlive}) must not exceed {nameof(StabilityPAlive)} ({StabilityPAlive})");
        Check(StabilityTenure >= TimeSpan.Zero && StabilityTenure <= TimeSpan.FromDays(3650), $"{nameof(StabilityTenure)} must be between 0 and 3650 days (was {StabilityTenure})");
        Check(StabilityMinRepeatPurchases is >= 1 and <= 1000, $"{nameof(StabilityMinRepeatPurchases)} must be between 1 and 1000 (was {StabilityMinRepeatPurchases})");
        Check(RhythmTolerance is >= 1 and <= 10, $"{nameof(RhythmTolerance)} must be between 1 and 10 (was {RhythmTolerance})");
        Check(MinGapsForRhythm is >= 1 and <= 100, $"{nameof(MinGapsForRhythm)} must be between 1 and 100 (was {MinGapsForRhythm})");
        Check(UnresolvedComplaintAge >= TimeSpan.Zero && UnresolvedComplaintAge <= TimeSpan.FromDays(365), $"{nameof(UnresolvedComplaintAge)} must be between 0 and 365 days (was {UnresolvedComplaintAge})");
        Check(DissatisfactionWindow > TimeSpan.Zero && DissatisfactionWindow <= TimeSpan.FromDays(3650), $"{nameof(DissatisfactionWindow)} must be more than 0 and at most 3650 days (was {DissatisfactionWindow})");
        Check(PoorWeightedGap is >= -10 and <= 0, $"{nameof(PoorWeightedGap)} must be between -10 and 0 (was {PoorWeightedGap})");
        Check(WorseningGapDrop is > 0 and <= 20, $"{nameof(WorseningGapDrop)} must be more than 0 and at most 20 (was {WorseningGapDrop})");
        Check(DetractorNps is >= 0 and <= 10, $"{nameof(DetractorNps)} must be between 0 and 10 (was {DetractorNps})");
        Check(SpendTrendPurchases is >= 1 and <= 50, $"{nameof(SpendTrendPurchases)} must be between 1 and 50 (was {SpendTrendPurchases})");
        Check(FallingSpendTrend is > 0 and < 1, $"{nameof(FallingSpendTrend)} must be more than 0 and less than 1 (was {FallingSpendTrend})");
        Check(RisingSpendTrend is > 1 and <= 100, $"{nameof(RisingSpendTrend)} must be more than 1 and at most 100 (was {RisingSpendTrend})");
        Check(LongStability > TimeSpan.Zero, $"{nameof(LongStability)} must be positive (was {LongStability})");
        Check(ReviewInterval >= TimeSpan.FromMinutes(1) && ReviewInterval <= TimeSpan.FromDays(31), $"{nameof(ReviewInterval)} must be between 1 minute and 31 days (was {ReviewInterval})");
        return errors;
    }
}
