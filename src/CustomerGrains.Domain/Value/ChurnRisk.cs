using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// What a contractual customer's own record says about her risk of cancelling: how long she has been subscribed, what she
/// pays a month, the minimum term of her contract (1 = month-to-month), and the complaints and service contacts she made.
/// </summary>
public readonly record struct ChurnSignals(int TenureMonths, double MonthlyCharge, int ContractMonths, int Complaints, int Contacts)
{
    /// <summary>The number of model features (<see cref="ChurnRiskModel.FeatureNames"/>).</summary>
    public const int FeatureCount = 6;

    /// <summary>
    /// The features, in <see cref="ChurnRiskModel.FeatureNames"/> order: ln(1 + tenure months) (the risk falls fastest in the
    /// first months), monthly charge in hundreds, a one-year (12 to 23 months) and a two-year-or-longer contract (against
    /// month-to-month), complaints, contacts.
    /// </summary>
    public void Features(Span<double> features)
    {
        features[0] = Math.Log(1 + Math.Max(TenureMonths, 0));
        features[1] = MonthlyCharge / 100;
        features[2] = ContractMonths is >= 12 and < 24 ? 1 : 0;
        features[3] = ContractMonths >= 24 ? 1 : 0;
        features[4] = Complaints;
        features[5] = Contacts;
    }
}

/// <summary>
/// A logistic churn-risk model: P(cancel) = 1 / (1 + exp(-(b₀ + Σ bᵢ xᵢ))) over the features of <see cref="ChurnSignals"/>.
/// <see cref="Fitted"/> says which coefficients were estimated from data; the others are priors the operator set (a data
/// set that does not record complaints or contacts cannot estimate their weight, so it keeps the configured one).
/// </summary>
public sealed record ChurnRiskModel(double Intercept, ImmutableArray<double> Coefficients, ImmutableArray<bool> Fitted)
{
    /// <summary>The features' names, as reports print them.</summary>
    public static readonly ImmutableArray<string> FeatureNames =
        ["ln(1 + tenure months)", "monthly charge / 100", "one-year contract", "two-year contract", "complaints", "contacts"];

    /// <summary>The probability that the customer cancels (the model's horizon is the data's: the Telco snapshot's churn flag).</summary>
    public double Risk(in ChurnSignals signals)
    {
        Span<double> x = stackalloc double[ChurnSignals.FeatureCount];
        signals.Features(x);
        double eta = Intercept;
        for (int i = 0; i < x.Length; i++)
        {
            eta += Coefficients[i] * x[i];
        }
        return 1 / (1 + Math.Exp(-eta));
    }
}

/// <summary>
/// Fits <see cref="ChurnRiskModel"/> by maximum likelihood with Newton-Raphson (iteratively reweighted least squares) and a
/// small ridge penalty (10⁻⁶ per observation on the coefficients, not the intercept) that keeps a separable feature finite.
/// Features that take a single value in the data are not estimated: they keep the prior's coefficient.
/// </summary>
public static class ChurnRiskFitter
{
    private const int MaximumIterations = 50;
    private const double Ridge = 1e-6;

    /// <summary>Fits the model to <paramref name="customers"/>; <paramref name="prior"/> gives the coefficients of the features the data cannot estimate.</summary>
    /// <exception cref="ArgumentException">Fewer than 10 customers, or all of one outcome.</exception>
    public static ChurnRiskModel Fit(IReadOnlyList<(ChurnSignals Signals, bool Churned)> customers, ChurnRiskModel prior)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(prior);
        int churned = customers.Count(c => c.Churned);
        if (customers.Count < 10 || churned == 0 || churned == customers.Count)
        {
            throw new ArgumentException(
                $"Fitting churn risk needs at least 10 customers of both outcomes (had {customers.Count}, {churned} of them churned).", nameof(customers));
        }

        int n = customers.Count;
        var all = new double[n, ChurnSignals.FeatureCount];
        Span<double> row = stackalloc double[ChurnSignals.FeatureCount];
        for (int i = 0; i < n; i++)
        {
            customers[i].Signals.Features(row);
            for (int j = 0; j < row.Length; j++)
            {
                all[i, j] = row[j];
            }
        }
        var estimated = Enumerable.Range(0, ChurnSignals.FeatureCount)
            .Where(j => Enumerable.Range(1, n - 1).Any(i => all[i, j] != all[0, j])).ToArray();

        // Design matrix: the intercept and the estimated features; the fixed ones enter as an offset.
        int p = estimated.Length + 1;
        var x = Matrix<double>.Build.Dense(n, p, (i, j) => j == 0 ? 1 : all[i, estimated[j - 1]]);
        var offset = Vector<double>.Build.Dense(n, i => Enumerable.Range(0, ChurnSignals.FeatureCount)
            .Where(j => !estimated.Contains(j)).Sum(j => prior.Coefficients[j] * all[i, j]));
        var y = Vector<double>.Build.Dense(n, i => customers[i].Churned ? 1 : 0);
        var penalty = Matrix<double>.Build.DiagonalOfDiagonalArray([.. Enumerable.Range(0, p).Select(j => j == 0 ? 0 : Ridge * n)]);
        var beta = Vector<double>.Build.Dense(p);
        beta[0] = Math.Log((double)churned / (n - churned));

        for (int iteration = 0; iteration < MaximumIterations; iteration++)
        {
            var mu = (x * beta + offset).Map(eta => 1 / (1 + Math.Exp(-eta)));
            var weights = mu.Map(m => Math.Max(m * (1 - m), 1e-12));
            var gradient = x.TransposeThisAndMultiply(y - mu) - penalty * beta;
            var hessian = x.TransposeThisAndMultiply(x.MapIndexed((i, _, v) => v * weights[i])) + penalty;
            var step = hessian.Solve(gradient);
            beta += step;
            if (step.AbsoluteMaximum() < 1e-10)
            {
                break;
            }
        }

        var coefficients = prior.Coefficients.ToBuilder();
        var fitted = ImmutableArray.CreateBuilder<bool>(ChurnSignals.FeatureCount);
        for (int j = 0; j < ChurnSignals.FeatureCount; j++)
        {
            int at = Array.IndexOf(estimated, j);
            fitted.Add(at >= 0);
            if (at >= 0)
            {
                coefficients[j] = beta[at + 1];
            }
        }
        return new ChurnRiskModel(beta[0], coefficients.ToImmutable(), fitted.MoveToImmutable());
    }
}
