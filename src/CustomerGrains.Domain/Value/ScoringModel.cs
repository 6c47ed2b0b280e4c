using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// The fitted population parameters and the population they were measured on, each versioned: what every
/// silo uses to score a customer from memory.
/// </summary>
public sealed record ScoringModel(string ModelVersion, ValueModel Model, string PopulationVersion, PopulationStatistics Population)
{
    /// <summary>The version names used before anything was fitted or measured.</summary>
    public const string DefaultModelVersion = "cdnow-2005-default";
    public const string UncalibratedPopulationVersion = "uncalibrated";

    /// <summary>
    /// The model before the first fit: the BG/NBD and Gamma-Gamma parameters published for the CDNOW data set
    /// (Fader, Hardie and Lee 2005), in weeks; population uncalibrated.
    /// </summary>
    public static ScoringModel Default(ValueModelOptions options) => new(
        DefaultModelVersion,
        new ValueModel(new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), options),
        UncalibratedPopulationVersion,
        PopulationStatistics.Uncalibrated);

    private static readonly RfmCutPoints NoRfm = new(default, default, default);

    /// <summary>
    /// The customer's value as of <paramref name="now"/>; <see cref="ValueScore.Rfm"/> is meaningful only when <see cref="PopulationStatistics.Rfm"/> is set.
    /// A subscriber's CLV and net value also hold her contract's residual value (<see cref="ContractValue.ResidualValue"/>), and her tier is of that net value.
    /// </summary>
    public ValueScore Score(CustomerState state, DateTimeOffset now)
    {
        var score = ValueScorer.Compute(CustomerValueInputs.Of(state), now, Model, Population.Rfm ?? NoRfm, Population.Tiers);
        return Contract(state, now) is { } contract ? ContractScorer.WithResidualValue(score, contract, Population.Tiers) : score;
    }

    /// <summary>The contractual model subscribers are scored with (sBG per contract cohort, churn risk); configuration <c>Contractual</c>.</summary>
    public ContractualOptions Contractual { get; init; } = new();

    /// <summary>The customer's contract value as of <paramref name="now"/>; null for a customer without a running subscription.</summary>
    public ContractValue? Contract(CustomerState state, DateTimeOffset now) => ContractScorer.Assess(state, now, Contractual, Model.Options);

    /// <summary>
    /// The intervals of the model's figures from its fitted parameters' uncertainty; null when the model version stores
    /// none (the default model, versions fitted before it was stored, or a fit whose information matrix was singular).
    /// </summary>
    public ValueConfidence? Confidence { get; init; }

    /// <summary>
    /// The intervals of <paramref name="score"/> (this model's score of the customer at <paramref name="now"/>); null without
    /// <see cref="Confidence"/>. A subscriber's CLV interval is that of its purchase part, moved by the contract's residual
    /// value (whose own uncertainty the fit does not measure), so it holds the CLV the card shows.
    /// </summary>
    public ValueIntervals? Intervals(CustomerState state, DateTimeOffset now, in ValueScore score)
    {
        if (Confidence is not { } confidence || !ReferenceEquals(confidence.Model, Model))
        {
            return null;
        }
        var residual = Contract(state, now)?.ResidualValue ?? 0;
        var intervals = confidence.Of(CustomerValueInputs.Of(state), now, score with { Clv = score.Clv - residual });
        return residual == 0 ? intervals : intervals with { Clv = new(intervals.Clv.Low + residual, intervals.Clv.High + residual) };
    }

    /// <summary>The customer's P(alive) as of <paramref name="now"/>, the same as <see cref="Score"/>'s, at a fraction of its cost.</summary>
    public double PAlive(CustomerState state, DateTimeOffset now) => ValueScorer.PAlive(CustomerValueInputs.Of(state), now, Model);
}
