using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Decisions;

/// <summary>
/// What the decision needs from the value model, as of the decision's moment: P(alive), net value
/// (CLV less expected cost to serve), CLV, the tier (<c>A</c> top 20%, <c>B</c> next 30%, <c>C</c> the
/// other profitable, <c>D</c> loss-making) and the net value's percentile rank in the population
/// (0..1, higher is more valuable).
/// </summary>
public sealed record ValueView(double PAlive, decimal NetValue, decimal Clv, string Tier, double NetValuePercentile);

/// <summary>Where and why the customer is in touch (or the service is asking), and the moment of the decision.</summary>
public sealed record DecisionContext(Channel Channel, string? Reason, DateTimeOffset Now);
