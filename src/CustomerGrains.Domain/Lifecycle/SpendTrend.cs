using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Lifecycle;

/// <summary>
/// The customer's spend trend: the last n purchase days against the customer's own earlier history. Each side has a mean
/// interval between purchase days and a mean net amount per purchase day; their quotient is the spend rate (net spend a
/// day), and <see cref="Ratio"/> is the recent rate over the earlier one (1 = as before, 0.5 = half the spend, 2 = double).
/// </summary>
/// <param name="Purchases">n, the purchase days of the recent side.</param>
/// <param name="RecentIntervalDays">Mean days between purchase days over the last n intervals.</param>
/// <param name="RecentAmount">Mean net amount of the last n purchase days.</param>
/// <param name="EarlierIntervalDays">Mean days between the purchase days before them.</param>
/// <param name="EarlierAmount">Mean net amount of the purchase days before them.</param>
public sealed record SpendTrend(int Purchases, double RecentIntervalDays, double RecentAmount, double EarlierIntervalDays, double EarlierAmount)
{
    /// <summary>Recent spend a day.</summary>
    public double RecentRate => RecentAmount / RecentIntervalDays;

    /// <summary>Earlier spend a day.</summary>
    public double EarlierRate => EarlierAmount / EarlierIntervalDays;

    /// <summary>Recent over earlier spend rate.</summary>
    public double Ratio => RecentRate / EarlierRate;

    /// <summary>
    /// The trend over the last <paramref name="n"/> purchase days of the relationship that began with the purchase day at
    /// index <paramref name="from"/> (after a win-back, the lapsed relationship's spend is not the customer's own history
    /// any more), or null while it is too short to compare (fewer than n earlier purchase days, and never fewer than two)
    /// or the earlier spend was nothing. O(n) for a relationship that began with the first purchase: the earlier side is
    /// read off the whole history's totals.
    /// </summary>
    public static SpendTrend? Of(CustomerState state, int n, int from = 0)
    {
        ArgumentNullException.ThrowIfNull(state);
        var days = state.PurchaseDays;
        var m = days.Count;
        if (n < 1 || from < 0 || m - n - from < Math.Max(n, 2))
        {
            return null;
        }
        var recentNet = 0m;
        for (var i = m - n; i < m; i++)
        {
            recentNet += days[i].Net;
        }
        var lapsedNet = 0m;
        for (var i = 0; i < from; i++)
        {
            lapsedNet += days[i].Net;
        }
        var lastEarlier = days[m - n - 1].Day.DayNumber;
        var earlierDays = m - n - from;
        var trend = new SpendTrend(n,
            (double)(days[m - 1].Day.DayNumber - lastEarlier) / n, (double)Math.Max(0, recentNet) / n,
            (double)(lastEarlier - days[from].Day.DayNumber) / (earlierDays - 1),
            (double)Math.Max(0, state.PurchaseDaysNet - recentNet - lapsedNet) / earlierDays);
        return trend.EarlierAmount > 0 && trend.EarlierIntervalDays > 0 && trend.RecentIntervalDays > 0 ? trend : null;
    }

    /// <summary>The comparison in words, in the domain's terms.</summary>
    public string Describe() =>
        $"the last {Purchases} purchases came every {Formats.Number(RecentIntervalDays, "0")} days at {Formats.Number(RecentAmount, "0.##")} on average, " +
        $"against every {Formats.Number(EarlierIntervalDays, "0")} days at {Formats.Number(EarlierAmount, "0.##")} before " +
        $"(spend rate {Formats.Number(Ratio, "P0")} of the customer's own earlier rate)";
}
