namespace CustomerGrains.LoadTests.Scenarios;

/// <summary>
/// Draws indexes 0..n-1 Zipf-distributed (rank k with weight 1 / k^s): a few customers call very often,
/// most rarely. Ranks are mapped through a fixed random permutation so the popular ones are spread over
/// the seed, not its first rows. Thread-safe and allocation-free per draw.
/// </summary>
public sealed class ZipfSampler
{
    private readonly double[] cumulative;
    private readonly int[] permutation;

    public ZipfSampler(int n, double exponent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        cumulative = new double[n];
        var sum = 0.0;
        for (var k = 0; k < n; k++)
        {
            sum += 1 / Math.Pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (var k = 0; k < n; k++)
        {
            cumulative[k] /= sum;
        }
        permutation = [.. Enumerable.Range(0, n)];
        new Random(seed).Shuffle(permutation);
    }

    public int Count => cumulative.Length;

    public int Next()
    {
        var u = Random.Shared.NextDouble();
        var rank = Array.BinarySearch(cumulative, u);
        rank = rank < 0 ? ~rank : rank;
        return permutation[Math.Min(rank, cumulative.Length - 1)];
    }
}
