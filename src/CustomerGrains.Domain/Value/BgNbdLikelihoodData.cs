namespace CustomerGrains.Domain.Value;

/// <summary>
/// A customer base prepared for repeated BG/NBD likelihood evaluation: identical (x, t_x, T) histories are merged
/// into one weighted group, and the x-dependent gamma and beta terms are accumulated once per evaluation as running
/// sums of logarithms (Γ(r+x)/Γ(r) = Π_{j&lt;x} (r+j)), so one evaluation costs a few logarithms per group.
/// </summary>
internal sealed class BgNbdLikelihoodData
{
    private readonly HistoryGroups _groups;

    private BgNbdLikelihoodData(HistoryGroups groups) => _groups = groups;

    internal int CustomerCount => _groups.CustomerCount;

    internal int GroupCount => _groups.Count;

    internal static BgNbdLikelihoodData Create(IEnumerable<CalibrationRow> customers) => new(HistoryGroups.Create(customers));

    /// <summary>Σ over customers of the BG/NBD log-likelihood.</summary>
    internal double Evaluate(double r, double alpha, double a, double b)
    {
        HistoryGroups g = _groups;
        int size = g.MaxX + 1;
        double[] lnGammaRatio = new double[size];
        double[] lnBetaRatio = new double[size];
        for (int k = 1; k < size; k++)
        {
            int j = k - 1;
            lnGammaRatio[k] = lnGammaRatio[j] + Math.Log(r + j);
            lnBetaRatio[k] = lnBetaRatio[j] + Math.Log((b + j) / (a + b + j));
        }

        double rLnAlpha = r * Math.Log(alpha);
        double total = 0;
        for (int i = 0; i < g.Count; i++)
        {
            int x = g.X[i];
            total += g.Weight[i] * BgNbd.LogLikelihoodCore(
                r, alpha, a, b, rLnAlpha, x, g.Tx[i], g.T[i], lnGammaRatio[x], lnBetaRatio[x]);
        }

        return total;
    }
}
