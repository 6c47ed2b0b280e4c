using MathNet.Numerics;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// The BG/NBD model of repeat buying (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy way").
/// Time is in weeks. A customer's history is (x, t_x, T): x repeat purchases, the last at t_x weeks after the
/// first purchase, observed until T weeks after the first purchase.
/// </summary>
public static class BgNbd
{
    /// <summary>Within this distance of a = 1 the factor (a+b-1)/(a-1) of the expectation formulas is replaced by
    /// Richardson extrapolation over a.</summary>
    private const double NearOne = 1e-4;

    /// <summary>
    /// Log-likelihood of one customer's history:
    /// L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
    ///   + [x &gt; 0] B(a+1, b+x-1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).
    /// </summary>
    public static double LogLikelihood(BgNbdParameters parameters, int x, double tx, double T)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.CustomerHistory(x, tx, T);
        (double r, double alpha, double a, double b) = (parameters.R, parameters.Alpha, parameters.A, parameters.B);
        double lnGammaRatio = SpecialFunctions.GammaLn(r + x) - SpecialFunctions.GammaLn(r);
        double lnBetaRatio = SpecialFunctions.GammaLn(b + x) - SpecialFunctions.GammaLn(b)
            + SpecialFunctions.GammaLn(a + b) - SpecialFunctions.GammaLn(a + b + x);
        return LogLikelihoodCore(r, alpha, a, b, r * Math.Log(alpha), x, tx, T, lnGammaRatio, lnBetaRatio);
    }

    /// <summary>Total log-likelihood of a customer base (the sum of <see cref="LogLikelihood(BgNbdParameters, int, double, double)"/>).</summary>
    public static double LogLikelihood(BgNbdParameters parameters, IEnumerable<CalibrationRow> customers)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return BgNbdLikelihoodData.Create(customers).Evaluate(parameters.R, parameters.Alpha, parameters.A, parameters.B);
    }

    /// <summary>
    /// P(alive | x, t_x, T) = 1 / (1 + [x &gt; 0] · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)); 1 when x = 0 (a customer is
    /// only exposed to dropping out after a repeat purchase).
    /// </summary>
    public static double ProbabilityAlive(BgNbdParameters parameters, int x, double tx, double T)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.CustomerHistory(x, tx, T);
        return ProbabilityAliveCore(parameters.R, parameters.Alpha, parameters.A, parameters.B, x, tx, T);
    }

    /// <summary>
    /// Expected purchases in the next <paramref name="t"/> weeks given the history:
    /// E[Y(t) | x, t_x, T] = P(alive) · (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; t/(α+T+t))].
    /// </summary>
    public static double ConditionalExpectedPurchases(BgNbdParameters parameters, double t, int x, double tx, double T)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.CustomerHistory(x, tx, T);
        ParameterGuard.NonNegative(t, nameof(t));
        Span<double> result = stackalloc double[1];
        (double r, double alpha, double a, double b) = (parameters.R, parameters.Alpha, parameters.A, parameters.B);
        ExpectedPurchasesCurve(r + x, alpha + T, a, b + x, [t], result);
        return ProbabilityAliveCore(r, alpha, a, b, x, tx, T) * result[0];
    }

    /// <summary>
    /// Expected purchases of a new customer in their first <paramref name="t"/> weeks (repeat purchases, excluding the
    /// first): E[X(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r ₂F₁(r, b; a+b-1; t/(α+t))].
    /// </summary>
    public static double ExpectedPurchases(BgNbdParameters parameters, double t)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.NonNegative(t, nameof(t));
        Span<double> result = stackalloc double[1];
        ExpectedPurchasesCurve(parameters.R, parameters.Alpha, parameters.A, parameters.B, [t], result);
        return result[0];
    }

    /// <summary>
    /// P(X(t) = n) for a new customer (FHL 2005, eq. 8):
    /// B(a, b+n)/B(a, b) · NB(n) + [n &gt; 0] B(a+1, b+n-1)/B(a, b) · P(NB ≥ n), where NB is the negative binomial count
    /// with P(NB = j) = Γ(r+j)/(Γ(r) j!) (α/(α+t))^r (t/(α+t))^j.
    /// </summary>
    public static double ProbabilityOfPurchases(BgNbdParameters parameters, double t, int n)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterGuard.NonNegative(t, nameof(t));
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (t == 0)
        {
            return n == 0 ? 1 : 0;
        }

        (double r, double alpha, double a, double b) = (parameters.R, parameters.Alpha, parameters.A, parameters.B);
        double theta = t / (alpha + t);
        double rLnQ = r * Math.Log(alpha / (alpha + t));
        double lnBetaRatio = SpecialFunctions.GammaLn(b + n) - SpecialFunctions.GammaLn(b)
            + SpecialFunctions.GammaLn(a + b) - SpecialFunctions.GammaLn(a + b + n);
        double lnNbAtN = SpecialFunctions.GammaLn(r + n) - SpecialFunctions.GammaLn(r) - SpecialFunctions.GammaLn(n + 1.0)
            + rLnQ + (n * Math.Log(theta));
        double stillAlive = Math.Exp(lnBetaRatio + lnNbAtN);
        if (n == 0)
        {
            return stillAlive;
        }

        return stillAlive + (a / (b + n - 1) * Math.Exp(lnBetaRatio) * NegativeBinomialTail(r, theta, Math.Exp(rLnQ), n));
    }

    /// <summary>P(NB ≥ n): 1 - P(NB &lt; n) while that subtraction is well conditioned, else the upper sum itself.</summary>
    private static double NegativeBinomialTail(double r, double theta, double probabilityOfZero, int n)
    {
        double term = probabilityOfZero;
        double head = 0;
        for (int j = 0; j < n; j++)
        {
            head += term;
            term *= (r + j) / (j + 1) * theta;
        }

        if (head < 0.9)
        {
            return 1 - head;
        }

        double tail = 0;
        for (int j = n; j < n + 1_000_000 && term > 1e-17 * tail; j++)
        {
            tail += term;
            term *= (r + j) / (j + 1) * theta;
        }

        return tail;
    }

    internal static double ProbabilityAliveCore(double r, double alpha, double a, double b, int x, double tx, double T) =>
        x == 0 ? 1 : 1 / (1 + Math.Exp(LogOddsDropped(r, a, b, x, Math.Log(alpha + T), Math.Log(alpha + tx))));

    /// <summary>ln of a/(b+x-1) · ((α+T)/(α+t_x))^(r+x), the odds that a customer with x &gt; 0 has dropped out.</summary>
    private static double LogOddsDropped(double r, double a, double b, int x, double lnAlphaT, double lnAlphaTx) =>
        Math.Log(a / (b + x - 1)) + ((r + x) * (lnAlphaT - lnAlphaTx));

    /// <summary>The log-likelihood of one history given the x-dependent terms ln(Γ(r+x)/Γ(r)) and
    /// ln(B(a, b+x)/B(a, b)), which callers compute once per distinct x.</summary>
    internal static double LogLikelihoodCore(
        double r, double alpha, double a, double b, double rLnAlpha, int x, double tx, double T,
        double lnGammaRatio, double lnBetaRatio)
    {
        double lnAlphaT = Math.Log(alpha + T);
        double value = lnGammaRatio + rLnAlpha + lnBetaRatio - ((r + x) * lnAlphaT);
        if (x == 0)
        {
            return value;
        }

        // ln(1 + e^v) without overflow.
        double v = LogOddsDropped(r, a, b, x, lnAlphaT, Math.Log(alpha + tx));
        return value + (v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v)));
    }

    /// <summary>
    /// result[i] = (a+b-1)/(a-1) · [1 - (α/(α+t[i]))^r ₂F₁(r, b; a+b-1; t[i]/(α+t[i]))] for ascending t[i] ≥ 0: the
    /// expected purchases in t weeks of a customer alive now with posterior parameters (r, α, a, b).
    /// All points share one ₂F₁ coefficient recurrence.
    /// </summary>
    internal static void ExpectedPurchasesCurve(
        double r, double alpha, double a, double b, ReadOnlySpan<double> t, Span<double> result,
        Hypergeometric.TransformConstants? constants = null)
    {
        if (!NeedsExtrapolation(a, b))
        {
            CurveCore(r, alpha, a, b, t, result, constants);
            return;
        }

        var shifted = new ShiftedA(r, alpha, a, b, t);
        Richardson.AtZero(ref shifted, 2 * NearOne, result);
    }

    /// <summary>Whether (a+b-1)/(a-1) is singular or nearly so (a ≈ 1, or a + b = 1 exactly, where ₂F₁ has c = 0).</summary>
    internal static bool NeedsExtrapolation(double a, double b) => Math.Abs(a - 1) < NearOne || a + b == 1;

    /// <summary>The 1 - z transformation constants of the curve with posterior parameters (r, b) and a, for callers
    /// that evaluate the same x often (null where they cannot be reused).</summary>
    internal static Hypergeometric.TransformConstants? CurveConstants(double r, double a, double b) =>
        NeedsExtrapolation(a, b) ? null : Hypergeometric.TransformConstants.For(r, b, a + b - 1);

    private static void CurveCore(
        double r, double alpha, double a, double b, ReadOnlySpan<double> t, Span<double> result,
        Hypergeometric.TransformConstants? constants)
    {
        int n = t.Length;
        Span<double> work = n <= Hypergeometric.StackLimit ? stackalloc double[2 * n] : new double[2 * n];
        Span<double> z = work[..n];
        Span<double> y = work[n..];
        for (int i = 0; i < n; i++)
        {
            double scale = 1 / (alpha + t[i]);
            z[i] = t[i] * scale;
            y[i] = alpha * scale;
        }

        double c = a + b - 1;
        Hypergeometric.Scaled(r, b, c, r, z, y, result, constants);
        double factor = c / (a - 1);
        for (int i = 0; i < n; i++)
        {
            result[i] = factor * (1 - result[i]);
        }
    }

    private readonly ref struct ShiftedA(double r, double alpha, double a, double b, ReadOnlySpan<double> t)
        : IShiftedEvaluation
    {
        private readonly ReadOnlySpan<double> _t = t;

        public void Evaluate(double shift, scoped Span<double> result) => CurveCore(r, alpha, a + shift, b, _t, result, null);
    }
}
