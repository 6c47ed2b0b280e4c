using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// A subscriber's contractual value as of one moment: her contract (plan, term, whole months subscribed, monthly charges),
/// the sBG probability that she renews at the end of this month, her discounted expected residual lifetime in months
/// (DERL, discounted monthly at the value model's annual rate), the residual value (margin · monthly charges · DERL), and
/// her churn risk from her own signals (tenure, charges, term, complaints, contacts), with whether it reaches the risk
/// from which a valuable subscriber gets a retention action.
/// </summary>
public sealed record ContractValue(
    string? Plan, int ContractMonths, int TenureMonths, decimal MonthlyCharges, double RenewalProbability, double DerlMonths, double ResidualValue,
    double ChurnRisk, bool HighRisk, double HighRiskFrom);

/// <summary>Scores a customer's contract (<see cref="ContractValue"/>); customers without a running subscription have none.</summary>
public static class ContractScorer
{
    /// <summary>The contract value as of <paramref name="now"/>, or null when no subscription runs then.</summary>
    public static ContractValue? Assess(CustomerState state, DateTimeOffset now, ContractualOptions options, ValueModelOptions value)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(value);
        var contract = SubscriptionFacts.StatusAt(state.Subscriptions, now);
        if (!contract.IsContractual)
        {
            return null;
        }
        var sbg = options.RetentionModel(contract.ContractMonths);
        var monthlyRate = Math.Pow(1 + value.AnnualDiscountRate, 1.0 / 12) - 1;
        // A rate of 0 has no discount: the residual lifetime is then the expected one, which converges only for α > 1; a
        // tiny rate keeps the sum finite and is indistinguishable from it where it converges.
        var derl = ShiftedBetaGeometric.DiscountedExpectedResidualLifetime(sbg, contract.TenureMonths, Math.Max(monthlyRate, 1e-6));
        var contacts = state.Contacts.Values.Sum(c => c.Count);
        var risk = options.RiskModel.Risk(new ChurnSignals(contract.TenureMonths, (double)contract.MonthlyCharges, contract.ContractMonths, state.ComplaintCount, contacts));
        return new ContractValue(
            contract.Plan, contract.ContractMonths, contract.TenureMonths, contract.MonthlyCharges,
            ShiftedBetaGeometric.RenewalProbability(sbg, contract.TenureMonths), derl, value.Margin * (double)contract.MonthlyCharges * derl,
            risk, risk >= options.HighRisk, options.HighRisk);
    }

    /// <summary>The value score with the contract's residual value added to CLV and net value, and the tier of that net value.</summary>
    public static ValueScore WithResidualValue(ValueScore score, ContractValue contract, TierThresholds tiers)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(tiers);
        var netValue = score.NetValue + contract.ResidualValue;
        return score with { Clv = score.Clv + contract.ResidualValue, NetValue = netValue, Tier = tiers.TierOf(netValue) };
    }
}
