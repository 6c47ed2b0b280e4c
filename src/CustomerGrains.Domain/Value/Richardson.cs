namespace CustomerGrains.Domain.Value;

/// <summary>A computation that fills a span with values for one shift of a parameter.</summary>
internal interface IShiftedEvaluation
{
    void Evaluate(double shift, scoped Span<double> result);
}

/// <summary>Fourth-order Richardson extrapolation to shift 0 from shifts ±h and ±2h, used where a formula is singular
/// at the exact parameter value but smooth around it: F(0) = [4(F(h) + F(-h)) - (F(2h) + F(-2h))] / 6 + O(h⁴).</summary>
internal static class Richardson
{
    internal static void AtZero<T>(ref T evaluation, double h, Span<double> result)
        where T : IShiftedEvaluation, allows ref struct
    {
        int n = result.Length;
        Span<double> shifted = n <= Hypergeometric.StackLimit ? stackalloc double[n] : new double[n];
        result.Clear();
        for (int j = 0; j < 4; j++)
        {
            double step = (j < 2 ? h : 2 * h) * (j % 2 == 0 ? 1 : -1);
            double weight = j < 2 ? 4.0 / 6 : -1.0 / 6;
            evaluation.Evaluate(step, shifted);
            for (int i = 0; i < n; i++)
            {
                result[i] += weight * shifted[i];
            }
        }
    }
}
