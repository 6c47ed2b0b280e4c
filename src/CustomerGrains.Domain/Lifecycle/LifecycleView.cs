namespace CustomerGrains.Domain.Lifecycle;

/// <summary>
/// The customer's lifecycle stage as of a moment, with the rules that placed them there.
/// <see cref="Changed"/> says the stage differs from the one last recorded in the state: the grain then
/// records it (<see cref="State.CustomerState.RecordStage"/>) and, on a sweep, raises an alert.
/// </summary>
/// <param name="Stage">The stage as of the moment.</param>
/// <param name="Since">When the stage was entered: the recorded time if unchanged, else the moment of evaluation.</param>
/// <param name="Reasons">The rules that fired, most decisive first.</param>
/// <param name="Pattern">The relationship's path so far, once it is classifiable (null while it runs and has not been stable long).</param>
/// <param name="RecordedStage">The stage last recorded in the state.</param>
/// <param name="IsWinBack">A purchase after decline or churn brought the customer back (to formation).</param>
/// <param name="EpisodeStartedAt">Start of the current relationship after the latest win-back, if any.</param>
/// <param name="PAlive">The P(alive) the evaluation used.</param>
/// <param name="DaysSinceLastPurchase">The current gap, null without purchases.</param>
/// <param name="WithinOwnRhythm">The current gap is within the customer's usual longest gap, so time alone does not count.</param>
/// <param name="NextReviewAt">When a sweep should evaluate again at the latest (a known deadline or the review interval).</param>
public sealed record LifecycleView(
    LifecycleStage Stage,
    DateTimeOffset Since,
    IReadOnlyList<Reason> Reasons,
    LifecyclePattern? Pattern,
    LifecycleStage? RecordedStage,
    bool IsWinBack,
    DateTimeOffset? EpisodeStartedAt,
    double PAlive,
    double? DaysSinceLastPurchase,
    bool WithinOwnRhythm,
    DateTimeOffset NextReviewAt)
{
    /// <summary>The spend trend against the customer's own history, null while the history is too short to compare.</summary>
    public SpendTrend? SpendTrend { get; init; }

    /// <summary>The stage differs from the one last recorded.</summary>
    public bool Changed => RecordedStage != Stage;

    /// <summary>Whether <paramref name="stage"/> is one of the phases of a running relationship (exploration, formation, stability).</summary>
    public static bool IsActive(LifecycleStage? stage) =>
        stage is LifecycleStage.Exploration or LifecycleStage.Formation or LifecycleStage.Stability;
}
