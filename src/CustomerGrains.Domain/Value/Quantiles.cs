namespace CustomerGrains.Domain.Value;

/// <summary>Percentiles of a population by linear interpolation between order statistics (Hyndman &amp; Fan type 7,
/// the default of R and numpy): for sorted values v₀..v_{n-1}, P(p) = v_⌊h⌋ + (h - ⌊h⌋)(v_⌊h⌋+1 - v_⌊h⌋), h = (n - 1)p.</summary>
internal static class Quantiles
{
    internal static double[] SortedCopy(ReadOnlySpan<double> population, string name)
    {
        if (population.IsEmpty)
        {
            throw new ArgumentException("The population must not be empty.", name);
        }

        double[] sorted = population.ToArray();
        foreach (double value in sorted)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"The population must contain finite values only, found {value}.", name);
            }
        }

        Array.Sort(sorted);
        return sorted;
    }

    internal static double Percentile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int low = (int)Math.Floor(h);
        return low + 1 >= sorted.Length ? sorted[^1] : sorted[low] + ((h - low) * (sorted[low + 1] - sorted[low]));
    }
}
