using MathNet.Numerics;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// The Pareto/NBD model of repeat buying (Schmittlein, Morrison &amp; Colombo 1987), in the closed forms of Fader &amp;
/// Hardie's note "A note on deriving the Pareto/NBD model and related expressions" (2005). Time is in weeks; a history is
/// (x, t_x, T) as for <see cref="BgNbd"/>.
/// </summary>
/// <remarks>
/// The likelihood is L = Γ(r+x) α^r β^s / Γ(r) · [1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀], where, with m = max(α, β),
/// d = |α - β| and the ₂F₁ parameters (r+s+x, s+1) when α ≥ β or (r+s+x, r+x) when α &lt; β (c = r+s+x+1 in both),
/// A₀ = ₂F₁(·; d/(m+t_x)) / (m+t_x)^(r+s+x) - ₂F₁(·; d/(m+T)) / (m+T)^(r+s+x).
/// Choosing the larger of α and β keeps the ₂F₁ argument in [0, 1). Everything is evaluated in logarithms: A₀ as
/// e^u₁ (1 - e^(u₂-u₁)) with u the logarithms of the two terms (A₀ = 0 when t_x = T), and the bracket with a
/// log-sum-exp, so histories with many purchases or long ages neither overflow nor underflow.
/// </remarks>
public static class ParetoNbd
{
    /// <summary>Within this distance of s = 1, (1 - (β/(β+t))^(s-1)) / (s-1) is replaced by its limit ln((β+t)/β).</summary>
    private const double NearOne = 1e-9;

    /// <summary>The log-likelihood of one history.</summary>
    public static double LogLikelihood(ParetoNbdParameters parameters, int x, double tx, double T)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.CustomerHistory(x, tx, T);
        (double r, double alpha, double s, double beta) = (parameters.R, parameters.Alpha, parameters.S, parameters.Beta);
        double constant = SpecialFunctions.GammaLn(r + x) - SpecialFunctions.GammaLn(r) + (r * Math.Log(alpha)) + (s * Math.Log(beta));
        return constant + LogBracket(r, alpha, s, beta, x, tx, T);
    }

    /// <summary>Total log-likelihood of a customer base.</summary>
    public static double LogLikelihood(ParetoNbdParameters parameters, IEnumerable<CalibrationRow> customers)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return ParetoNbdLikelihoodData.Create(customers).Evaluate(parameters.R, parameters.Alpha, parameters.S, parameters.Beta);
    }

    /// <summary>P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀).</summary>
    public static double ProbabilityAlive(ParetoNbdParameters parameters, int x, double tx, double T)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.CustomerHistory(x, tx, T);
        return ProbabilityAliveCore(parameters.R, parameters.Alpha, parameters.S, parameters.Beta, x, tx, T);
    }

    /// <summary>
    /// E[Y(t) | x, t_x, T] = P(alive) · (r+x)/(α+T) · (β+T)/(s-1) · [1 - ((β+T)/(β+T+t))^(s-1)]
    /// (at s = 1: P(alive) · (r+x)/(α+T) · (β+T) ln((β+T+t)/(β+T))).
    /// </summary>
    public static double ConditionalExpectedPurchases(ParetoNbdParameters parameters, double t, int x, double tx, double T)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.CustomerHistory(x, tx, T);
        ParameterGuard.NonNegative(t, nameof(t));
        (double r, double alpha, double s, double beta) = (parameters.R, parameters.Alpha, parameters.S, parameters.Beta);
        return ProbabilityAliveCore(r, alpha, s, beta, x, tx, T) * AliveExpectation(r + x, alpha + T, s, beta + T, t);
    }

    /// <summary>E[X(t)] = r β / (α (s-1)) · [1 - (β/(β+t))^(s-1)] for a new customer (repeat purchases).</summary>
    public static double ExpectedPurchases(ParetoNbdParameters parameters, double t)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.NonNegative(t, nameof(t));
        return AliveExpectation(parameters.R, parameters.Alpha, parameters.S, parameters.Beta, t);
    }

    /// <summary>
    /// The expected purchases in t weeks of a customer alive now, with posterior parameters (r, α) for the purchase rate and
    /// (s, β) for the drop-out rate: r/α · β/(s-1) · [1 - (β/(β+t))^(s-1)].
    /// </summary>
    internal static double AliveExpectation(double r, double alpha, double s, double beta, double t)
    {
        double logGrowth = Math.Log(beta + t) - Math.Log(beta);
        double shape = s - 1;
        double lifetime = Math.Abs(shape) < NearOne
            ? beta * logGrowth
            : beta * -double.ExpM1(-shape * logGrowth) / shape;
        return r / alpha * lifetime;
    }

    internal static double ProbabilityAliveCore(double r, double alpha, double s, double beta, int x, double tx, double T)
    {
        (double lnAlive, double lnDropped) = LogTerms(r, alpha, s, beta, x, tx, T);
        return 1 / (1 + Math.Exp(lnDropped - lnAlive));
    }

    /// <summary>ln of the likelihood's bracket [1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀].</summary>
    internal static double LogBracket(double r, double alpha, double s, double beta, int x, double tx, double T)
    {
        (double lnAlive, double lnDropped) = LogTerms(r, alpha, s, beta, x, tx, T);
        double high = Math.Max(lnAlive, lnDropped);
        double low = Math.Min(lnAlive, lnDropped);
        return double.IsNegativeInfinity(low) ? high : high + Math.Log(1 + Math.Exp(low - high));
    }

    /// <summary>
    /// The logarithms of the bracket's two terms: still alive at T (1 / ((α+T)^(r+x) (β+T)^s)) and dropped out between t_x
    /// and T (s/(r+s+x) · A₀; -∞ when t_x = T).
    /// </summary>
    private static (double LnAlive, double LnDropped) LogTerms(double r, double alpha, double s, double beta, int x, double tx, double T)
    {
        double lnAlive = -((r + x) * Math.Log(alpha + T)) - (s * Math.Log(beta + T));
        double rsx = r + s + x;
        bool alphaLarger = alpha >= beta;
        double m = alphaLarger ? alpha : beta;
        double d = Math.Abs(alpha - beta);
        double b = alphaLarger ? s + 1 : r + x;
        double u1 = LogTerm(rsx, b, m, d, tx);
        double u2 = LogTerm(rsx, b, m, d, T);
        double lnA0 = u2 >= u1 ? double.NegativeInfinity : u1 + Math.Log(-double.ExpM1(u2 - u1));
        return (lnAlive, Math.Log(s / rsx) + lnA0);
    }

    /// <summary>ln[₂F₁(r+s+x, b; r+s+x+1; d/(m+y)) / (m+y)^(r+s+x)].</summary>
    private static double LogTerm(double rsx, double b, double m, double d, double y) =>
        Math.Log(Hypergeometric.Hyp2F1(rsx, b, rsx + 1, d / (m + y))) - (rsx * Math.Log(m + y));
}
