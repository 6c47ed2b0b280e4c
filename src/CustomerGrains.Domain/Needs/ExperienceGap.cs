using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Needs;

/// <summary>
/// Customer-experience management's gap for one dimension: satisfaction = experience - expectation
/// (negative: the customer got less than expected), weighted by importance / 10, so a gap on a dimension
/// the customer cares little about counts little. <see cref="Change"/> is the weighted gap minus the one
/// of the previous answer (negative: worsening).
/// </summary>
public sealed record ExperienceGap(
    ExperienceDimension Dimension,
    double Expectation,
    double Experience,
    double Importance,
    double Gap,
    double WeightedGap,
    double? Change,
    DateTimeOffset At)
{
    private static readonly ExperienceDimension[] Dimensions = Enum.GetValues<ExperienceDimension>();

    /// <summary>(experience - expectation) x importance / 10, on a -10..10 scale.</summary>
    public static double Weighted(DimensionScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return (score.Experience - score.Expectation) * score.Importance / 10;
    }

    /// <summary>The gaps of every dimension the customer has answered for, in dimension order.</summary>
    public static IReadOnlyList<ExperienceGap> Of(CustomerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var gaps = new List<ExperienceGap>(state.Experience.Count);
        foreach (var dimension in Dimensions)
        {
            if (!state.Experience.TryGetValue(dimension, out var score))
            {
                continue;
            }
            var weighted = Weighted(score);
            double? change = state.PreviousExperience.TryGetValue(dimension, out var previous) ? weighted - Weighted(previous) : null;
            gaps.Add(new ExperienceGap(dimension, score.Expectation, score.Experience, score.Importance,
                score.Experience - score.Expectation, weighted, change, score.At));
        }
        return gaps;
    }

    /// <summary>The key experience: the dimension with the worst (lowest) weighted gap; null without answers.</summary>
    public static ExperienceGap? Key(IReadOnlyList<ExperienceGap> gaps)
    {
        ArgumentNullException.ThrowIfNull(gaps);
        ExperienceGap? worst = null;
        foreach (var gap in gaps)
        {
            if (worst is null || gap.WeightedGap < worst.WeightedGap)
            {
                worst = gap;
            }
        }
        return worst;
    }
}
