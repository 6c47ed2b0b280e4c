using System.Collections.Immutable;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// The contractual model the engine scores subscribers with (configuration section <c>Contractual</c>): the sBG (α, β) of
/// each contract cohort over monthly periods, the churn-risk model's coefficients, and the risk from which a valuable
/// subscriber gets a retention action. The defaults are what <c>fit-contractual</c> found on IBM's Telco sample (hold-out
/// AUC 0.82; see the README; the one- and two-year cohorts showed no heterogeneity, so their α + β is held at 10⁵), except <see cref="ComplaintWeight"/> and <see cref="ContactWeight"/>: that data records no
/// complaints or contacts, so their weights are set, not fitted (a complaint multiplies the odds of cancelling by e^0.5 ≈
/// 1.65, a contact by e^0.1 ≈ 1.1), until a data set that has them is fitted.
/// </summary>
public sealed record ContractualOptions
{
    /// <summary>sBG α of month-to-month subscribers (contract term under 12 months). Default 0.42262 (Telco).</summary>
    public double MonthToMonthAlpha { get; init; } = 0.42262;

    /// <summary>sBG β of month-to-month subscribers. Default 7.39326 (Telco).</summary>
    public double MonthToMonthBeta { get; init; } = 7.39326;

    /// <summary>sBG α of one-year contracts (12 to 23 months). Default 268.03612 (Telco).</summary>
    public double OneYearAlpha { get; init; } = 268.03612;

    /// <summary>sBG β of one-year contracts. Default 99731.96388 (Telco).</summary>
    public double OneYearBeta { get; init; } = 99731.96388;

    /// <summary>sBG α of contracts of two years or more. Default 49.91371 (Telco).</summary>
    public double TwoYearAlpha { get; init; } = 49.91371;

    /// <summary>sBG β of contracts of two years or more. Default 99950.08629 (Telco).</summary>
    public double TwoYearBeta { get; init; } = 99950.08629;

    /// <summary>Churn-risk intercept. Default -0.5548 (Telco).</summary>
    public double RiskIntercept { get; init; } = -0.5548;

    /// <summary>Churn-risk weight of ln(1 + tenure months). Default -0.76943 (Telco).</summary>
    public double TenureWeight { get; init; } = -0.76943;

    /// <summary>Churn-risk weight of the monthly charge in hundreds. Default 3.08861 (Telco).</summary>
    public double ChargeWeight { get; init; } = 3.08861;

    /// <summary>Churn-risk weight of a one-year contract (against month-to-month). Default -1.07518 (Telco).</summary>
    public double OneYearWeight { get; init; } = -1.07518;

    /// <summary>Churn-risk weight of a two-year contract. Default -2.41854 (Telco).</summary>
    public double TwoYearWeight { get; init; } = -2.41854;

    /// <summary>Churn-risk weight of each complaint (set, not fitted: the Telco data records no complaints; odds x e^0.5 ≈ 1.65 each). Default 0.5.</summary>
    public double ComplaintWeight { get; init; } = 0.5;

    /// <summary>Churn-risk weight of each service contact (set, not fitted: the Telco data records no contacts; odds x e^0.1 ≈ 1.1 each). Default 0.1.</summary>
    public double ContactWeight { get; init; } = 0.1;

    /// <summary>The churn risk (0 to 1) from which a valuable subscriber gets a retention action. Default 0.5.</summary>
    public double HighRisk { get; init; } = 0.5;

    /// <summary>The churn-risk model of these options.</summary>
    public ChurnRiskModel RiskModel => new(
        RiskIntercept, [TenureWeight, ChargeWeight, OneYearWeight, TwoYearWeight, ComplaintWeight, ContactWeight],
        ImmutableArray.Create(true, true, true, true, false, false));

    /// <summary>The sBG parameters of a contract of <paramref name="contractMonths"/> months.</summary>
    public SbgParameters RetentionModel(int contractMonths) => contractMonths switch
    {
        < 12 => new(MonthToMonthAlpha, MonthToMonthBeta),
        < 24 => new(OneYearAlpha, OneYearBeta),
        _ => new(TwoYearAlpha, TwoYearBeta),
    };

    /// <summary>Checks every option and returns all failures (empty when the options are valid).</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var errors = new List<OptionError>();
        foreach (var (name, value) in new[]
        {
            (nameof(MonthToMonthAlpha), MonthToMonthAlpha), (nameof(MonthToMonthBeta), MonthToMonthBeta), (nameof(OneYearAlpha), OneYearAlpha),
            (nameof(OneYearBeta), OneYearBeta), (nameof(TwoYearAlpha), TwoYearAlpha), (nameof(TwoYearBeta), TwoYearBeta),
        })
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                errors.Add(new OptionError(name, $"must be a finite number greater than 0, was {value}."));
            }
        }
        foreach (var (name, value) in new[]
        {
            (nameof(RiskIntercept), RiskIntercept), (nameof(TenureWeight), TenureWeight), (nameof(ChargeWeight), ChargeWeight),
            (nameof(OneYearWeight), OneYearWeight), (nameof(TwoYearWeight), TwoYearWeight), (nameof(ComplaintWeight), ComplaintWeight),
            (nameof(ContactWeight), ContactWeight),
        })
        {
            if (!double.IsFinite(value) || Math.Abs(value) > 100)
            {
                errors.Add(new OptionError(name, $"must be a finite weight between -100 and 100, was {value}."));
            }
        }
        if (!double.IsFinite(HighRisk) || HighRisk is <= 0 or >= 1)
        {
            errors.Add(new OptionError(nameof(HighRisk), $"must be a probability between 0 and 1 (exclusive), was {HighRisk}."));
        }
        return errors;
    }
}
