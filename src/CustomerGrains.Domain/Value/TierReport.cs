using System.Collections.Immutable;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// One tier's part of the population (the 80/20/30 report): its customers, the revenue they brought so far (net spend,
/// returns deducted), the profit so far (the margin on that revenue less what serving them cost: call minutes, complaints,
/// returns) and the net value ahead (CLV less expected cost to serve), each with its share of the population's total.
/// A share of profit can be above 1 and a tier's below 0: when loss-makers lose money, the others bring more than all of it.
/// </summary>
public sealed record TierShare(
    string Tier,
    int Customers,
    double CustomerShare,
    double Revenue,
    double RevenueShare,
    double Profit,
    double ProfitShare,
    double NetValue,
    double NetValueShare);

/// <summary>Builds the per-tier shares of a measured population, best tier first.</summary>
public static class TierReport
{
    /// <summary>The shares of tiers A to D from per-tier sums (index = <see cref="Tier"/>); a total of 0 gives shares of 0.</summary>
    public static ImmutableArray<TierShare> Of(ReadOnlySpan<int> customers, ReadOnlySpan<double> revenue, ReadOnlySpan<double> profit, ReadOnlySpan<double> netValue)
    {
        double all = 0, allRevenue = 0, allProfit = 0, allNet = 0;
        for (var tier = 0; tier < customers.Length; tier++)
        {
            all += customers[tier];
            allRevenue += revenue[tier];
            allProfit += profit[tier];
            allNet += netValue[tier];
        }
        var shares = ImmutableArray.CreateBuilder<TierShare>(customers.Length);
        for (var tier = 0; tier < customers.Length; tier++)
        {
            shares.Add(new TierShare(((Tier)tier).ToString(), customers[tier], Share(customers[tier], all),
                Math.Round(revenue[tier], 2), Share(revenue[tier], allRevenue),
                Math.Round(profit[tier], 2), Share(profit[tier], allProfit),
                Math.Round(netValue[tier], 2), Share(netValue[tier], allNet)));
        }
        return shares.MoveToImmutable();
    }

    private static double Share(double part, double total) => total == 0 ? 0 : Math.Round(part / total, 4);
}
