using MathNet.Numerics;

namespace CustomerGrains.Domain.Value;

/// <summary>Signed gamma-function helpers for real arguments, including negative ones.</summary>
internal static class GammaFunctions
{
    /// <summary>
    /// Returns ln|Γ(x)| and the sign of Γ(x). At the poles (x = 0, -1, -2, ...) the sign is 0 and the
    /// result is +∞, so that 1/Γ(x) = 0 can be expressed as "sign 0".
    /// </summary>
    internal static double LogAbsGamma(double x, out int sign)
    {
        if (x > 0)
        {
            sign = 1;
            return SpecialFunctions.GammaLn(x);
        }

        if (x == Math.Floor(x))
        {
            sign = 0;
            return double.PositiveInfinity;
        }

        // Reflection: Γ(x) = π / (sin(πx) Γ(1 - x)), with Γ(1 - x) > 0 because 1 - x > 1.
        double sinPi = double.SinPi(x);
        sign = sinPi < 0 ? -1 : 1;
        return Math.Log(Math.PI / Math.Abs(sinPi)) - SpecialFunctions.GammaLn(1 - x);
    }

    /// <summary>
    /// Γ(n1)Γ(n2) / (Γ(d1)Γ(d2)) computed in log space with signs; 0 when a denominator argument is a pole.
    /// A numerator pole is the caller's responsibility (it yields ±∞).
    /// </summary>
    internal static double GammaRatio(double n1, double n2, double d1, double d2)
    {
        double lnD1 = LogAbsGamma(d1, out int sD1);
        double lnD2 = LogAbsGamma(d2, out int sD2);
        if (sD1 == 0 || sD2 == 0)
        {
            return 0;
        }

        double lnN1 = LogAbsGamma(n1, out int sN1);
        double lnN2 = LogAbsGamma(n2, out int sN2);
        return sN1 * sN2 * sD1 * sD2 * Math.Exp(lnN1 + lnN2 - lnD1 - lnD2);
    }
}
