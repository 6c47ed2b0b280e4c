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

    /// <summary>The customer's value as of <paramref name="now"/>; <see cref="ValueScore.Rfm"/> is meaningful only when <see cref="PopulationStatistics.Rfm"/> is set.</summary>
    public ValueScore Score(CustomerState state, DateTimeOffset now) =>
        ValueScorer.Compute(CustomerValueInputs.Of(state), now, Model, Population.Rfm ?? NoRfm, Population.Tiers);

    /// <summary>
    /// The intervals of the model's figures from its fitted parameters' uncertainty; null when the model version stores
    /// none (the default model, versions fitted before it was stored, or a fit whose information matrix was singular).
    /// </summary>
    public ValueConfidence? Confidence { get; init; }

    /// <summary>The intervals of <paramref name="score"/> (this model's score of the customer at <paramref name="now"/>); null without <see cref="Confidence"/>.</summary>
    public ValueIntervals? Intervals(CustomerState state, DateTimeOffset now, in ValueScore score) =>
        Confidence is { } confidence && ReferenceEquals(confidence.Model, Model)
            ? confidence.Of(CustomerValueInputs.Of(state), now, score)
            : null;

    /// <summary>The customer's P(alive) as of <paramref name="now"/>, the same as <see cref="Score"/>'s, at a fraction of its cost.</summary>
    public double PAlive(CustomerState state, DateTimeOffset now) => ValueScorer.PAlive(CustomerValueInputs.Of(state), now, Model);
}
