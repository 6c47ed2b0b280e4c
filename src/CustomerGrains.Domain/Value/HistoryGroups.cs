namespace CustomerGrains.Domain.Value;

/// <summary>
/// A customer base for repeated likelihood evaluation: identical (x, t_x, T) histories merged into one group weighted by
/// the number of customers who share it.
/// </summary>
internal sealed class HistoryGroups
{
    private HistoryGroups(int[] x, double[] tx, double[] t, double[] weight, int customerCount)
    {
        X = x;
        Tx = tx;
        T = t;
        Weight = weight;
        CustomerCount = customerCount;
        MaxX = x.Length == 0 ? 0 : x.Max();
    }

    internal int[] X { get; }

    internal double[] Tx { get; }

    internal double[] T { get; }

    internal double[] Weight { get; }

    internal int CustomerCount { get; }

    internal int MaxX { get; }

    internal int Count => X.Length;

    /// <exception cref="ArgumentException">No customers, or an invalid history.</exception>
    internal static HistoryGroups Create(IEnumerable<CalibrationRow> customers)
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

        return new HistoryGroups(x, tx, t, weight, count);
    }
}
