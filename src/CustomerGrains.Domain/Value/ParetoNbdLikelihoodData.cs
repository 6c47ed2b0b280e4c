namespace CustomerGrains.Domain.Value;

/// <summary>
/// A customer base prepared for repeated Pareto/NBD likelihood evaluation: identical histories merged into weighted
/// groups, and ln(Γ(r+x)/Γ(r)) accumulated once per evaluation as a running sum of ln(r+j).
/// </summary>
internal sealed class ParetoNbdLikelihoodData
{
    private readonly HistoryGroups _groups;

    private ParetoNbdLikelihoodData(HistoryGroups groups) => _groups = groups;

    internal static ParetoNbdLikelihoodData Create(IEnumerable<CalibrationRow> customers) => new(HistoryGroups.Create(customers));

    /// <summary>
    /// Σ over customers of the Pareto/NBD log-likelihood; NaN where a ₂F₁ series cannot be summed (far out in the parameter
    /// space, where the optimiser may wander), which the optimiser treats as no better than anything seen.
    /// </summary>
    internal double Evaluate(double r, double alpha, double s, double beta)
    {
        try
        {
            return Sum(r, alpha, s, beta);
        }
        catch (NotSupportedException)
        {
            return double.NaN;
        }
    }

    private double Sum(double r, double alpha, double s, double beta)
    {
        HistoryGroups g = _groups;
        double[] lnGammaRatio = new double[g.MaxX + 1];
        for (int k = 1; k < lnGammaRatio.Length; k++)
        {
            lnGammaRatio[k] = lnGammaRatio[k - 1] + Math.Log(r + k - 1);
        }

        double constant = (r * Math.Log(alpha)) + (s * Math.Log(beta));
        double total = 0;
        for (int i = 0; i < g.Count; i++)
        {
            int x = g.X[i];
            total += g.Weight[i] * (lnGammaRatio[x] + constant + ParetoNbd.LogBracket(r, alpha, s, beta, x, g.Tx[i], g.T[i]));
        }

        return total;
    }
}
