namespace CustomerGrains.Domain.Value;

/// <summary>The sBG fitted to one contract cohort, with what it says about its customers.</summary>
/// <param name="Contract">The cohort's contract (e.g. Month-to-month).</param>
/// <param name="ContractMonths">Its minimum term in months.</param>
/// <param name="Customers">Customers in the cohort.</param>
/// <param name="Cancelled">How many of them had cancelled.</param>
/// <param name="Fit">The maximum-likelihood (α, β) over monthly periods.</param>
/// <param name="FirstRenewal">The probability that a new customer renews after her first month.</param>
/// <param name="RenewalAfterYear">The probability that a customer who renewed 12 times renews once more.</param>
/// <param name="DerlNew">DERL in months of a customer in her first month, at the monthly discount rate of the fit.</param>
/// <param name="Homogeneous">
/// Whether the likelihood found no heterogeneity: it rises as α and β grow together toward a constant cancellation
/// probability θ = α/(α+β) (a geometric duration, the sBG's boundary). <see cref="Fit"/> then holds θ with α + β =
/// <see cref="ContractualFit.HomogeneousScale"/>, whose retention rates differ from the constant by less than 0.1% over
/// ten years.
/// </param>
public sealed record SbgCohortFit(
    string Contract, int ContractMonths, int Customers, int Cancelled, FitResult<SbgParameters> Fit, double FirstRenewal, double RenewalAfterYear,
    double DerlNew, bool Homogeneous);

/// <summary>What <see cref="ContractualFit.Run"/> found: the churn-risk model, its hold-out evaluation and the sBG per cohort.</summary>
public sealed record ContractualFitResult(
    int TrainingCustomers, int HoldoutCustomers, int HoldoutPercent, double MonthlyDiscountRate, ChurnRiskModel Model,
    ChurnEvaluation Holdout, IReadOnlyList<SbgCohortFit> Cohorts);

/// <summary>
/// Fits the contractual models to a churn snapshot: the churn-risk model on the customers outside the hold-out share
/// (<see cref="TelcoChurnFile.IsHoldout"/>), evaluated on those inside it; and, on all customers, the sBG per contract
/// cohort, each customer's tenure in months being her duration (cancelled: T = tenure; still subscribed: T &gt; tenure).
/// </summary>
public static class ContractualFit
{
    /// <summary>α + β of a cohort whose fit ran to the homogeneous boundary (see <see cref="SbgCohortFit.Homogeneous"/>).</summary>
    public const double HomogeneousScale = 1e5;

    /// <exception cref="ArgumentException">The hold-out share is not 1 to 90 percent, or a part has too few customers of either outcome.</exception>
    public static ContractualFitResult Run(
        IReadOnlyList<ChurnCustomer> customers, int holdoutPercent, ChurnRiskModel prior, double annualDiscountRate)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentOutOfRangeException.ThrowIfLessThan(holdoutPercent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(holdoutPercent, 90);
        var training = new List<(ChurnSignals, bool)>();
        var holdout = new List<ChurnCustomer>();
        foreach (var c in customers)
        {
            if (TelcoChurnFile.IsHoldout(c.CustomerId, holdoutPercent))
            {
                holdout.Add(c);
            }
            else
            {
                training.Add((c.Signals, c.Churned));
            }
        }
        var model = ChurnRiskFitter.Fit(training, prior);
        var evaluation = ChurnEvaluation.Of([.. holdout.Select(c => (model.Risk(c.Signals), c.Churned))]);

        double monthly = Math.Pow(1 + annualDiscountRate, 1.0 / 12) - 1;
        var cohorts = new List<SbgCohortFit>();
        foreach (var cohort in customers.GroupBy(c => c.Contract).OrderBy(g => g.First().Signals.ContractMonths))
        {
            var observations = SbgObservations.FromDurations(
                cohort.Where(c => !(c.Churned && c.Signals.TenureMonths == 0)).Select(c => (c.Signals.TenureMonths, c.Churned)));
            var fit = ShiftedBetaGeometric.Fit(observations);
            var (alpha, beta) = (fit.Parameters.Alpha, fit.Parameters.Beta);
            bool homogeneous = alpha + beta > HomogeneousScale;
            if (homogeneous)
            {
                double theta = alpha / (alpha + beta);
                var bounded = new SbgParameters(theta * HomogeneousScale, (1 - theta) * HomogeneousScale);
                fit = fit with { Parameters = bounded, LogLikelihood = observations.LogLikelihood(bounded.Alpha, bounded.Beta) };
            }
            cohorts.Add(new SbgCohortFit(
                cohort.Key, cohort.First().Signals.ContractMonths, cohort.Count(), cohort.Count(c => c.Churned), fit,
                ShiftedBetaGeometric.RenewalProbability(fit.Parameters, 0), ShiftedBetaGeometric.RenewalProbability(fit.Parameters, 12),
                ShiftedBetaGeometric.DiscountedExpectedResidualLifetime(fit.Parameters, 0, monthly), homogeneous));
        }
        return new ContractualFitResult(training.Count, holdout.Count, holdoutPercent, monthly, model, evaluation, cohorts);
    }
}
