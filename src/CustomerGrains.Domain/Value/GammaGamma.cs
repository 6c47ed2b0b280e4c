using MathNet.Numerics;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// The Gamma-Gamma model of spend per transaction (Fader, Hardie &amp; Lee 2005, "RFM and CLV"; Fader &amp; Hardie 2013,
/// note 025). Inputs are a customer's number of repeat transactions x and the mean value zbar of those transactions.
/// </summary>
public static class GammaGamma
{
    /// <summary>
    /// Log of the density of the mean zbar of x transactions:
    /// f(zbar | x) = Γ(px+q)/(Γ(px)Γ(q)) · γ^q x^(px) zbar^(px-1) / (γ + x·zbar)^(px+q). Requires x &gt; 0 and zbar &gt; 0.
    /// </summary>
    public static double LogLikelihood(GammaGammaParameters parameters, int x, double zbar)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckSpendHistory(x, zbar);
        (double p, double q, double gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        double lnGammaTerms = SpecialFunctions.GammaLn((p * x) + q) - SpecialFunctions.GammaLn(p * x) - SpecialFunctions.GammaLn(q);
        return LogLikelihoodCore(p, q, gamma, q * Math.Log(gamma), x, zbar, Math.Log(zbar), lnGammaTerms);
    }

    /// <summary>Total log-likelihood over the customers with x &gt; 0 (customers with x = 0 carry no spend information and are skipped).</summary>
    /// <exception cref="ArgumentException">A customer with x &gt; 0 has no zbar or zbar ≤ 0.</exception>
    public static double LogLikelihood(GammaGammaParameters parameters, IEnumerable<CalibrationRow> customers)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return GammaGammaLikelihoodData.Create(customers).Evaluate(parameters.P, parameters.Q, parameters.Gamma);
    }

    /// <summary>
    /// E[M | x, zbar] = (p·γ + p·x·zbar) / (p·x + q - 1): the posterior mean spend per transaction, a weighted average of
    /// the population mean p·γ/(q-1) (weight (q-1)/(px+q-1)) and the observed zbar (weight px/(px+q-1)).
    /// With x = 0 it is the population mean. Requires q &gt; 1; zbar ≥ 0 (a zero mean pulls the estimate towards 0).
    /// </summary>
    public static double ConditionalExpectedSpend(GammaGammaParameters parameters, int x, double zbar)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ParameterGuard.NonNegative(zbar, nameof(zbar));
        RequireFiniteMean(parameters);
        return ConditionalExpectedSpendCore(parameters.P, parameters.Q, parameters.Gamma, x, zbar);
    }

    /// <summary>The population mean spend per transaction p·γ/(q - 1). Requires q &gt; 1.</summary>
    public static double PopulationMeanSpend(GammaGammaParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RequireFiniteMean(parameters);
        return ConditionalExpectedSpendCore(parameters.P, parameters.Q, parameters.Gamma, 0, 0);
    }

    internal static double ConditionalExpectedSpendCore(double p, double q, double gamma, int x, double zbar) =>
        p * (gamma + (x * zbar)) / ((p * x) + q - 1);

    internal static void RequireFiniteMean(GammaGammaParameters parameters)
    {
        if (parameters.Q <= 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parameters), parameters.Q, "The Gamma-Gamma mean spend exists only when q > 1.");
        }
    }

    internal static void CheckSpendHistory(int x, double zbar)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        ParameterGuard.Positive(zbar, nameof(zbar));
    }

    /// <summary>The log density given lnGammaTerms = ln Γ(px+q) - ln Γ(px) - ln Γ(q), computed once per distinct x.</summary>
    internal static double LogLikelihoodCore(
        double p, double q, double gamma, double qLnGamma, int x, double zbar, double lnZbar, double lnGammaTerms)
    {
        double px = p * x;
        return lnGammaTerms + qLnGamma + (px * Math.Log(x)) + ((px - 1) * lnZbar) - ((px + q) * Math.Log(gamma + (x * zbar)));
    }
}
