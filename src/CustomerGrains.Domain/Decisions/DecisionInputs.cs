using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Decisions;

/// <summary>
/// What the decision needs from the value model, as of the decision's moment: P(alive), net value
/// (CLV less expected cost to serve), CLV, the tier (<c>A</c> top 20%, <c>B</c> next 30%, <c>C</c> the
/// other profitable, <c>D</c> loss-making, <see cref="Uncalibrated"/> for a profitable customer before the population
/// is measured) and the net value's percentile rank in the population (0..1, higher is more valuable; null while
/// uncalibrated).
/// </summary>
public sealed record ValueView(double PAlive, decimal NetValue, decimal Clv, string Tier, double? NetValuePercentile)
{
    /// <summary>The tier (and population version) of a customer judged before any population was measured.</summary>
    public const string Uncalibrated = "uncalibrated";

    /// <summary>The population's complaints per customer-year, null until measured: the peers a customer's own rate is compared with.</summary>
    public double? PeerComplaintsPerYear { get; init; }

    /// <summary>The subscriber's contract value (renewal probability, DERL, churn risk); null for a customer without a running subscription.</summary>
    public Value.ContractValue? Contract { get; init; }

    /// <summary>Whether the customer was placed in a measured population (percentile and tier are known).</summary>
    public bool IsCalibrated => NetValuePercentile is not null;

    /// <summary>The wire name of a tier: <c>A</c>..<c>D</c>, or <see cref="Uncalibrated"/> for none.</summary>
    public static string TierName(Value.Tier? tier) => tier?.ToString() ?? Uncalibrated;
}

/// <summary>Where and why the customer is in touch (or the service is asking), and the moment of the decision.</summary>
public sealed record DecisionContext(Channel Channel, string? Reason, DateTimeOffset Now);
