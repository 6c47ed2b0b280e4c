using System.Numerics;
using System.Runtime.InteropServices;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// The Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₖ (a)ₖ(b)ₖ / ((c)ₖ k!) zᵏ for real arguments.
/// </summary>
/// <remarks>
/// <para>Supported: finite real a, b, c with c not in {0, -1, -2, ...}, and real z ≤ 1
/// (z = 1 only when c - a - b &gt; 0, by Gauss's theorem). Anything else throws: z &gt; 1 would need the
/// complex continuation across the branch cut, which the value models never ask for.</para>
/// <para>Evaluation:
/// z &lt; 0 is mapped into [0, 1) by Pfaff's transformation ₂F₁(a, b; c; z) = (1 - z)^(-a) ₂F₁(a, c - b; c; z/(z - 1)).
/// On [0, 1) the power series is summed directly (in Euler's form (1 - z)^(c-a-b) ₂F₁(c - a, c - b; c; z) when that has
/// smaller parameters, which makes the series of the BG/NBD curves short); a point whose series has not converged
/// after 64 terms and lies above z = 0.5 is instead evaluated with the 1 - z transformation
/// ₂F₁(a, b; c; z) = G₁ ₂F₁(a, b; a + b - c + 1; 1 - z) + G₂ (1 - z)^(c-a-b) ₂F₁(c - a, c - b; c - a - b + 1; 1 - z),
/// G₁ = Γ(c)Γ(c-a-b)/(Γ(c-a)Γ(c-b)), G₂ = Γ(c)Γ(a+b-c)/(Γ(a)Γ(b)), whose two series converge like (1 - z)ᵏ.
/// When c - a - b is within 2·10⁻⁴ of an integer that formula is degenerate (two poles that cancel): the direct series is
/// then summed to convergence up to z = 0.9, and beyond that the value is obtained by fourth-order Richardson
/// extrapolation over c ± 4·10⁻⁴, c ± 8·10⁻⁴ (relative error about 10⁻¹², growing to a few 10⁻¹¹ at 1 - z = 10⁻⁶).</para>
/// <para>Terms may be negative (for example when a &lt; 1 makes (a - 1)ₖ alternate in sign); a series stops only once its
/// term ratio has settled below one and the geometric bound on the remaining tail is below 10⁻¹⁵ of the partial sum.
/// A series that has not converged in 20,000 terms throws <see cref="NotSupportedException"/>.</para>
/// </remarks>
public static class Hypergeometric
{
    /// <summary>Relative size of the neglected tail at which a series stops.</summary>
    private const double Tolerance = 1e-15;

    /// <summary>Terms after which a direct series above <see cref="DirectRegion"/> is handed to the 1 - z transformation.</summary>
    private const int DirectSoftLimit = 64;

    private const double DirectRegion = 0.5;
    private const int HardLimit = 20_000;
    private const double DegenerateDistance = 2e-4;
    private const double RichardsonStep = 4e-4;

    /// <summary>Where c - a - b is nearly an integer, direct series are summed to convergence up to this z, since the
    /// extrapolated 1 - z transformation is less accurate than a long series.</summary>
    private const double DegenerateDirectRegion = 0.9;

    /// <summary>Batches up to this many points use stack memory; larger ones allocate.</summary>
    internal const int StackLimit = 128;

    /// <summary>Evaluates ₂F₁(a, b; c; z). See the type remarks for the supported domain and accuracy.</summary>
    /// <exception cref="ArgumentException">A parameter is not finite, or c is 0 or a negative integer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">z is NaN, -∞ or greater than 1, or z = 1 with c - a - b ≤ 0.</exception>
    /// <exception cref="NotSupportedException">A series did not converge (extreme parameters).</exception>
    public static double Hyp2F1(double a, double b, double c, double z)
    {
        ValidateParameters(a, b, c);
        if (double.IsNaN(z) || z > 1 || double.IsNegativeInfinity(z))
        {
            throw new ArgumentOutOfRangeException(
                nameof(z), z, "2F1 is supported for finite real z <= 1 only; z > 1 lies on the branch cut.");
        }

        if (z == 1)
        {
            if (c - a - b <= 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(z), z, $"2F1({a}, {b}; {c}; 1) diverges because c - a - b = {c - a - b} is not positive.");
            }

            return GammaFunctions.GammaRatio(c, c - a - b, c - a, c - b);
        }

        if (z < 0)
        {
            // Pfaff: (1 - z)^(-a) = (1 - w)^a with w = z / (z - 1) in (0, 1).
            double oneMinusW = 1 / (1 - z);
            return ScaledSingle(a, c - b, c, a, z / (z - 1), oneMinusW);
        }

        return ScaledSingle(a, b, c, 0, z, 1 - z);
    }

    /// <summary>Throws unless a, b, c are finite and c is not a non-positive integer.</summary>
    internal static void ValidateParameters(double a, double b, double c)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c))
        {
            throw new ArgumentException($"2F1 parameters must be finite (a = {a}, b = {b}, c = {c}).");
        }

        if (c <= 0 && c == Math.Floor(c))
        {
            throw new ArgumentException($"2F1 is undefined for c = {c} (c must not be 0 or a negative integer).", nameof(c));
        }
    }

    private static double ScaledSingle(double a, double b, double c, double s, double z, double y)
    {
        Span<double> result = stackalloc double[1];
        Scaled(a, b, c, s, [z], [y], result);
        return result[0];
    }

    /// <summary>
    /// Computes result[i] = y[i]^s · ₂F₁(a, b; c; z[i]) for ascending z[i] in [0, 1), where y[i] = 1 - z[i] is passed
    /// in separately so that callers can supply it without cancellation. Parameters are not validated here.
    /// </summary>
    internal static void Scaled(
        double a, double b, double c, double s, ReadOnlySpan<double> z, ReadOnlySpan<double> y, Span<double> result,
        TransformConstants? constants = null)
    {
        int n = z.Length;

        (double fa, double fb, double fs) = DirectForm(a, b, c, s);

        // Points beyond what 64 direct terms can sum go straight to the 1 - z transformation.
        int direct = n;
        double region = IsDegenerate(c - a - b) ? DegenerateDirectRegion : DirectRegion;
        double reach = Math.Max(region, constants?.DirectReach ?? DirectReach(fa, fb, c));
        while (direct > 0 && z[direct - 1] > reach)
        {
            direct--;
        }

        Span<double> work = n <= StackLimit ? stackalloc double[2 * n] : new double[2 * n];
        Span<double> sums = work[..n];
        int converged = Series(fa, fb, c, z[..direct], sums, work[n..], region, DirectSoftLimit);
        for (int i = 0; i < converged; i++)
        {
            result[i] = fs == 0 ? sums[i] : sums[i] * Math.Pow(y[i], fs);
        }

        if (converged < n)
        {
            OneMinusZ(a, b, c, s, y[converged..], result[converged..], constants);
        }
    }

    /// <summary>The parameters of the series that is summed directly: Euler's transformation
    /// ₂F₁(a, b; c; z) = (1 - z)^(c-a-b) ₂F₁(c - a, c - b; c; z) when it has the smaller parameters.</summary>
    private static (double A, double B, double S) DirectForm(double a, double b, double c, double s) =>
        Math.Abs(c - a) + Math.Abs(c - b) < Math.Abs(a) + Math.Abs(b) ? (c - a, c - b, s + (c - a - b)) : (a, b, s);

    /// <summary>
    /// The largest z (at least <see cref="DirectRegion"/>) at which the first <see cref="DirectSoftLimit"/> terms of the
    /// series reach the tolerance: |coefficient₆₄| z⁶⁴ ≤ tolerance, assuming a partial sum of order one. Large c makes the
    /// coefficients fall fast, so heavy buyers' curves are summed directly almost up to z = 1.
    /// </summary>
    private static double DirectReach(double a, double b, double c)
    {
        double coefficient = 1;
        for (int k = 0; k < DirectSoftLimit && coefficient != 0; k++)
        {
            coefficient *= (a + k) * (b + k) / ((c + k) * (k + 1));
        }

        coefficient = Math.Abs(coefficient);
        if (coefficient == 0)
        {
            return 1;
        }

        // One fixed-point step on |coefficient| z⁶⁴ · z/(1 - z) = tolerance, the series' own stopping rule.
        double z = Math.Min(Math.Pow(Tolerance / coefficient, 1.0 / DirectSoftLimit), 0.999);
        z = Math.Pow(Tolerance * (1 - z) / (z * coefficient), 1.0 / DirectSoftLimit);
        return Math.Max(DirectRegion, 0.98 * z);
    }

    /// <summary>What depends only on (a, b, c), for callers that evaluate the same parameters often: the gamma-function
    /// prefactors of the 1 - z transformation, G₁ = Γ(c)Γ(c-a-b)/(Γ(c-a)Γ(c-b)) and G₂ = Γ(c)Γ(a+b-c)/(Γ(a)Γ(b)),
    /// and the reach of the direct series.</summary>
    internal readonly record struct TransformConstants(double G1, double G2, double DirectReach)
    {
        /// <summary>The constants, or null where c - a - b is so close to an integer that the transformation is evaluated
        /// by extrapolation instead.</summary>
        internal static TransformConstants? For(double a, double b, double c) =>
            IsDegenerate(c - a - b) ? null : Compute(a, b, c);

        internal static TransformConstants Compute(double a, double b, double c)
        {
            (double fa, double fb, _) = DirectForm(a, b, c, 0);
            return new(
                GammaFunctions.GammaRatio(c, c - a - b, c - a, c - b),
                GammaFunctions.GammaRatio(c, a + b - c, a, b),
                Hypergeometric.DirectReach(fa, fb, c));
        }
    }

    private static bool IsDegenerate(double d) => Math.Abs(d - Math.Round(d)) < DegenerateDistance;

    /// <summary>The 1 - z transformation for descending y = 1 - z in (0, 0.5], with Richardson extrapolation over c
    /// where c - a - b is nearly an integer.</summary>
    private static void OneMinusZ(
        double a, double b, double c, double s, ReadOnlySpan<double> y, Span<double> result, TransformConstants? constants)
    {
        if (!IsDegenerate(c - a - b))
        {
            OneMinusZCore(a, b, c, s, y, result, constants ?? TransformConstants.Compute(a, b, c));
            return;
        }

        var shifted = new ShiftedC(a, b, c, s, y);
        Richardson.AtZero(ref shifted, RichardsonStep, result);
    }

    /// <summary>The 1 - z transformation evaluated with c shifted, for <see cref="Richardson"/>.</summary>
    private readonly ref struct ShiftedC(double a, double b, double c, double s, ReadOnlySpan<double> y)
        : IShiftedEvaluation
    {
        private readonly ReadOnlySpan<double> _y = y;

        public void Evaluate(double shift, scoped Span<double> result) =>
            OneMinusZCore(a, b, c + shift, s, _y, result, TransformConstants.Compute(a, b, c + shift));
    }

    private static void OneMinusZCore(
        double a, double b, double c, double s, ReadOnlySpan<double> y, Span<double> result, TransformConstants constants)
    {
        int n = y.Length;
        double d = c - a - b;
        (double g1, double g2, _) = constants;

        Span<double> work = n <= StackLimit ? stackalloc double[4 * n] : new double[4 * n];
        Span<double> ascending = work[..n];
        Span<double> first = work[n..(2 * n)];
        Span<double> second = work[(2 * n)..(3 * n)];
        Span<double> powers = work[(3 * n)..];
        for (int i = 0; i < n; i++)
        {
            ascending[i] = y[n - 1 - i];
        }

        SeriesToConvergence(a, b, 1 - d, ascending, first, powers, g1);
        SeriesToConvergence(c - a, c - b, 1 + d, ascending, second, powers, g2);
        for (int i = 0; i < n; i++)
        {
            int j = n - 1 - i;
            double lnY = Math.Log(y[i]);
            double value = 0;
            if (g1 != 0)
            {
                value += g1 * Math.Exp(s * lnY) * first[j];
            }

            if (g2 != 0)
            {
                value += g2 * Math.Exp((s + d) * lnY) * second[j];
            }

            result[i] = value;
        }
    }

    private static void SeriesToConvergence(
        double a, double b, double c, ReadOnlySpan<double> x, Span<double> sums, Span<double> powers, double weight)
    {
        if (weight != 0)
        {
            _ = Series(a, b, c, x, sums, powers, double.PositiveInfinity, int.MaxValue);
        }
    }

    /// <summary>
    /// Sums Σₖ (a)ₖ(b)ₖ/((c)ₖ k!) x[i]ᵏ for ascending x[i] in [0, 1), all points at once (one coefficient recurrence,
    /// one multiply-add per point and term). Returns the length of the prefix of points whose sums converged: after
    /// <paramref name="softLimit"/> terms, points above <paramref name="dropAbove"/> that have not converged are given up
    /// and left for the caller.
    /// </summary>
    private static int Series(
        double a, double b, double c, ReadOnlySpan<double> x, Span<double> sums, Span<double> powers,
        double dropAbove, int softLimit)
    {
        int lo = 0;
        int hi = x.Length;
        sums[..hi].Fill(1);
        powers[..hi].Fill(1);
        double coefficient = 1;
        double ratio = a * b / c;
        for (int k = 0; lo < hi; k++)
        {
            coefficient *= ratio;
            if (coefficient == 0)
            {
                return hi; // a or b is a non-positive integer: the series has terminated.
            }

            MultiplyAdd(coefficient, x[lo..hi], powers[lo..hi], sums[lo..hi]);

            // The term ratio tends to x from above or below; max(next ratio, 1)·x bounds the remaining ratios,
            // so the tail is at most term·rho/(1 - rho).
            ratio = (a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2));
            double bound = Math.Max(Math.Abs(ratio), 1);
            while (lo < hi)
            {
                double rho = bound * x[lo];
                if (rho < 1 && Math.Abs(coefficient * powers[lo]) * rho <= Tolerance * (1 - rho) * Math.Abs(sums[lo]))
                {
                    lo++;
                }
                else
                {
                    break;
                }
            }

            if (k + 1 == softLimit)
            {
                while (hi > lo && x[hi - 1] > dropAbove)
                {
                    hi--;
                }
            }

            if (k >= HardLimit)
            {
                throw new NotSupportedException(
                    $"2F1 series ({a}, {b}; {c}) did not converge in {HardLimit} terms at x = {x[lo]}.");
            }
        }

        return hi;
    }

    /// <summary>powers[i] *= x[i]; sums[i] += coefficient · powers[i], in SIMD lanes where the hardware has them.</summary>
    private static void MultiplyAdd(double coefficient, ReadOnlySpan<double> x, Span<double> powers, Span<double> sums)
    {
        int n = x.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref readonly double xs = ref MemoryMarshal.GetReference(x);
            ref double ps = ref MemoryMarshal.GetReference(powers);
            ref double ss = ref MemoryMarshal.GetReference(sums);
            var c = new Vector<double>(coefficient);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                Vector<double> power = Vector.LoadUnsafe(in xs, (nuint)i) * Vector.LoadUnsafe(ref ps, (nuint)i);
                power.StoreUnsafe(ref ps, (nuint)i);
                (Vector.LoadUnsafe(ref ss, (nuint)i) + (c * power)).StoreUnsafe(ref ss, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            double power = powers[i] * x[i];
            powers[i] = power;
            sums[i] += coefficient * power;
        }
    }
}
