namespace CustomerGrains.Domain.Lifecycle;

/// <summary>
/// Where the customer stands in the relationship (Dwyer's phases plus the ends): known but no purchase
/// (prospect), trial (exploration), repeat buying begun (formation), mature (stability), weakening
/// (decline) and ended (churned). Decline can follow any active phase; a purchase after decline or churn
/// is a win-back to formation.
/// </summary>
public enum LifecycleStage { Prospect, Exploration, Formation, Stability, Decline, Churned }

/// <summary>
/// The shape of a relationship's path: it ended (declined or churned) during exploration or formation,
/// it declined after only a short stability, or it was (or still is) stable for a long time.
/// </summary>
public enum LifecyclePattern { EndedInExploration, EndedInFormation, EarlyDeclineFromStability, LongStability }
