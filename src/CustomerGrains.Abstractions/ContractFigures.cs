using CustomerGrains.Domain.Value;

namespace CustomerGrains.Abstractions;

/// <summary>
/// A subscriber's contract as the engine scores it (the shifted-beta-geometric model of her contract cohort and the churn-risk
/// model): plan, minimum term in months (1 = month-to-month), whole months subscribed (each a renewal), monthly charges, the
/// probability that she renews at the end of this month, her discounted expected residual lifetime in months (DERL), the
/// residual value it is worth (margin x monthly charges x DERL, part of CLV), and her churn risk (0..1) with whether it
/// reaches the risk from which a valuable subscriber is offered retention.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ContractFigures")]
public sealed record ContractFigures
{
    /// <summary>The plan of the longest-term running subscription.</summary>
    [Id(0)] public string? Plan { get; init; }
    /// <summary>The minimum term in months (1 = month-to-month).</summary>
    [Id(1)] public int ContractMonths { get; init; }
    /// <summary>Whole months since the earliest running subscription started.</summary>
    [Id(2)] public int TenureMonths { get; init; }
    /// <summary>The running subscriptions' monthly charges.</summary>
    [Id(3)] public decimal MonthlyCharges { get; init; }
    /// <summary>The probability of renewing at the end of this month (sBG).</summary>
    [Id(4)] public double RenewalProbability { get; init; }
    /// <summary>The discounted expected residual lifetime in months (sBG).</summary>
    [Id(5)] public double DerlMonths { get; init; }
    /// <summary>margin x monthly charges x DERL: the contract's part of CLV.</summary>
    [Id(6)] public double ResidualValue { get; init; }
    /// <summary>The churn risk from the customer's own signals (0..1).</summary>
    [Id(7)] public double ChurnRisk { get; init; }
    /// <summary>Whether the churn risk reaches <see cref="HighRiskFrom"/>.</summary>
    [Id(8)] public bool HighRisk { get; init; }
    /// <summary>The churn risk from which a valuable subscriber is offered retention (Contractual:HighRisk).</summary>
    [Id(9)] public double HighRiskFrom { get; init; }

    /// <summary>The wire form of a contract value; null for none.</summary>
    public static ContractFigures? Of(ContractValue? contract) => contract is null ? null : new()
    {
        Plan = contract.Plan,
        ContractMonths = contract.ContractMonths,
        TenureMonths = contract.TenureMonths,
        MonthlyCharges = contract.MonthlyCharges,
        RenewalProbability = contract.RenewalProbability,
        DerlMonths = contract.DerlMonths,
        ResidualValue = contract.ResidualValue,
        ChurnRisk = contract.ChurnRisk,
        HighRisk = contract.HighRisk,
        HighRiskFrom = contract.HighRiskFrom,
    };
}
