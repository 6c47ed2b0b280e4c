using MathNet.Numerics;

namespace CustomerGrains.Domain.Value;

/// <summary>The customers with x &gt; 0 prepared for repeated Gamma-Gamma likelihood evaluation: ln zbar is computed once,
/// and the gamma-function terms once per distinct x and evaluation.</summary>
internal sealed class GammaGammaLikelihoodData
{
    private readonly int[] _x;
    private readonly double[] _zbar;
    private readonly double[] _lnZbar;
    private readonly int _maxX;

    private GammaGammaLikelihoodData(int[] x, double[] zbar)
    {
        _x = x;
        _zbar = zbar;
        _lnZbar = Array.ConvertAll(zbar, Math.Log);
        _maxX = x.Max();
    }

    internal int CustomerCount => _x.Length;

    internal double MeanZbar => _zbar.Average();

    internal static GammaGammaLikelihoodData Create(IEnumerable<CalibrationRow> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var x = new List<int>();
        var zbar = new List<double>();
        foreach (CalibrationRow customer in customers)
        {
            if (customer.X == 0)
            {
                continue;
            }

            if (customer.Zbar is not { } value || !(value > 0))
            {
                throw new ArgumentException(
                    $"Customer {customer.Id} has x = {customer.X} but no positive mean spend zbar ({customer.Zbar}).",
                    nameof(customers));
            }

            GammaGamma.CheckSpendHistory(customer.X, value);
            x.Add(customer.X);
            zbar.Add(value);
        }

        if (x.Count == 0)
        {
            throw new ArgumentException("At least one customer with x > 0 is needed.", nameof(customers));
        }

        return new GammaGammaLikelihoodData([.. x], [.. zbar]);
    }

    internal double Evaluate(double p, double q, double gamma)
    {
        double[] lnGammaTerms = new double[_maxX + 1];
        double lnGammaQ = SpecialFunctions.GammaLn(q);
        for (int x = 1; x <= _maxX; x++)
        {
            lnGammaTerms[x] = SpecialFunctions.GammaLn((p * x) + q) - SpecialFunctions.GammaLn(p * x) - lnGammaQ;
        }

        double qLnGamma = q * Math.Log(gamma);
        double total = 0;
        for (int i = 0; i < _x.Length; i++)
        {
            int x = _x[i];
            total += GammaGamma.LogLikelihoodCore(p, q, gamma, qLnGamma, x, _zbar[i], _lnZbar[i], lnGammaTerms[x]);
        }

        return total;
    }
}
