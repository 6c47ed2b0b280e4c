using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Value;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>The 80/20/30 report: per tier the share of customers, revenue and profit, from the population measurement.</summary>
public sealed class TierReportTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(9 * 30);
    private static readonly ValueModelOptions Options = new();

    /// <summary>A monthly buyer of <paramref name="amount"/>, nine times.</summary>
    private static History Buyer(string id, decimal amount) => new History(id).Purchases(T0, count: 9, everyDays: 30, amount: amount);

    /// <summary>One purchase of 20 and ten hour-long calls: 300 in call costs for 6 of margin.</summary>
    private static History LossMaker(string id)
    {
        var h = new History(id).Purchase(T0, amount: 20m);
        for (var i = 0; i < 10; i++)
        {
            h.Apply(new CustomerContacted
            {
                EventId = $"call-{i}", CustomerId = id, OccurredAt = T0.AddDays(10 + i), Source = "cti", Channel = Channel.Phone, DurationSeconds = 3600,
            });
        }
        return h;
    }

    private static PopulationStatistics Measure(params History[] customers) =>
        PopulationStatistics.Compute([.. customers.Select(h => CustomerValueInputs.Of(h.State))], Now, ScoringModel.Default(Options).Model);

    [Fact]
    public void The_top_fifth_brings_most_of_the_profit_and_the_loss_makers_take_some_of_it_away()
    {
        // Two big spenders (9 x 500), three medium (9 x 100), three small (9 x 20), two loss-makers.
        var population = Measure(
            Buyer("a1", 500m), Buyer("a2", 500m),
            Buyer("b1", 100m), Buyer("b2", 100m), Buyer("b3", 100m),
            Buyer("c1", 20m), Buyer("c2", 20m), Buyer("c3", 20m),
            LossMaker("d1"), LossMaker("d2"));

        var report = population.TierShares!;

        Assert.Equal(["A", "B", "C", "D"], report.Select(t => t.Tier));
        Assert.Equal([2, 3, 3, 2], report.Select(t => t.Customers));
        Assert.Equal([0.2, 0.3, 0.3, 0.2], report.Select(t => t.CustomerShare));
        var revenue = new[] { 9000.0, 2700, 540, 40 };
        Assert.Equal(revenue, report.Select(t => t.Revenue));
        Assert.Equal(revenue.Select(r => Math.Round(r / revenue.Sum(), 4)), report.Select(t => t.RevenueShare));
        // Profit so far: 30% margin on the revenue less the service costs (each loss-maker: 600 call minutes at 0.5).
        var profit = new[] { 2700.0, 810, 162, 2 * (6 - 300.0) };
        Assert.Equal(profit, report.Select(t => t.Profit));
        Assert.Equal(profit.Select(p => Math.Round(p / profit.Sum(), 4)), report.Select(t => t.ProfitShare));
        Assert.True(report[0].ProfitShare > 0.8, $"tier A brings {report[0].ProfitShare:P1} of the profit");
        Assert.True(report[3].ProfitShare < 0 && report[3].NetValue < 0, "the loss-makers lose money");
        Assert.Equal(1.0, report.Sum(t => t.NetValueShare), 3);
    }

    [Fact]
    public void A_tier_nobody_falls_in_is_reported_empty_rather_than_left_out()
    {
        var report = Measure(Buyer("a", 500m), Buyer("b", 100m), Buyer("c", 20m)).TierShares!;

        var d = Assert.Single(report, t => t.Tier == "D");
        Assert.Equal((0, 0.0, 0.0, 0.0), (d.Customers, d.CustomerShare, d.RevenueShare, d.ProfitShare));
        Assert.Equal(3, report.Sum(t => t.Customers));
    }

    [Fact]
    public void Before_any_measurement_there_is_no_report()
    {
        Assert.Null(PopulationStatistics.Uncalibrated.TierShares);
    }
}
