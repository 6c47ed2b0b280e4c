namespace CustomerGrains.Domain.Value;

/// <summary>
/// A customer base prepared for repeated BG/NBD likelihood evaluation: identical (x, t_x, T) histories are merged
/// into one weighted group, and the x-dependent gamma and beta terms are accumulated once per evaluation as running
/// sums of logarithms (Γ(r+x)/Γ(r) = Π_{j&lt;x} (r+j)), so one evaluation costs a few logarithms per group.
/// </summary>
internal sealed class BgNbdLikelihoodData
{
    private readonly int[] _x;
    private readonly double[] _tx;
    private readonly double[] _t;
    private readonly double[] _weight;
    private readonly int _maxX;

    private BgNbdLikelihoodData(int[] x, double[] tx, double[] t, double[] weight, int customerCount)
    {
        _x = x;
        _tx = tx;
        _t = t;
        _weight = weight;
        CustomerCount = customerCount;
        _maxX = x.Length == 0 ? 0 : x.Max();
    }

    internal int CustomerCount { get; }

    internal int GroupCount => _x.Length;

    internal static BgNbdLikelihoodData Create(IEnumerable<CalibrationRow> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var groups = new Dictionary<(int X, double Tx, double T), int>();
        int count = 0;
        foreach (CalibrationRow customer in customers)
        {
            ParameterGuard.CustomerHistory(customer.X, customer.Tx, customer.T);
            var key = (customer.X, customer.Tx, customer.T);
            groups[key] = groups.GetValueOrDefault(key) + 1;
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("At least one customer is needed.", nameof(customers));
        }

        var x = new int[groups.Count];
        var tx = new double[groups.Count];
        var t = new double[groups.Count];
        var weight = new double[groups.Count];
        int i = 0;
        foreach (KeyValuePair<(int X, double Tx, double T), int> group in groups)
        {
            (x[i], tx[i], t[i]) = group.Key;
            weight[i] = group.Value;
            i++;
        }

        return new BgNbdLikelihoodData(x, tx, t, weight, count);
    }

    /// <summary>Σ over customers of the BG/NBD log-likelihood.</summary>
    internal double Evaluate(double r, double alpha, double a, double b)
    {
        int size = _maxX + 1;
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
        for (int i = 0; i < _x.Length; i++)
        {
            int x = _x[i];
            total += _weight[i] * BgNbd.LogLikelihoodCore(
                r, alpha, a, b, rLnAlpha, x, _tx[i], _t[i], lnGammaRatio[x], lnBetaRatio[x]);
        }

        return total;
    }
}
