using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class RfmAndTierTests
{
    private static readonly QuintileCutPoints Cuts = new(10, 20, 30, 40);

    [Theory]
    [InlineData(5, 1)]
    [InlineData(10, 1)]
    [InlineData(10.01, 2)]
    [InlineData(30, 3)]
    [InlineData(40, 4)]
    [InlineData(40.01, 5)]
    public void Higher_is_better_scores_count_the_cut_points_strictly_exceeded(double value, int score)
    {
        Assert.Equal(score, Cuts.ScoreHigherIsBetter(value));
    }

    [Theory]
    [InlineData(9.99, 5)]
    [InlineData(10, 4)]
    [InlineData(25, 3)]
    [InlineData(40, 1)]
    [InlineData(double.PositiveInfinity, 1)]
    public void Recency_scores_best_for_the_most_recent_buyers(double days, int score)
    {
        Assert.Equal(score, Cuts.ScoreLowerIsBetter(days));
    }

    [Fact]
    public void Cut_points_are_the_20_40_60_80_percentiles_of_the_population()
    {
        double[] population = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToArray();

        QuintileCutPoints cuts = QuintileCutPoints.FromPopulation(population);

        Assert.Equal(new QuintileCutPoints(20.8, 40.6, 60.4, 80.2), cuts);
    }

    [Fact]
    public void An_RFM_score_reads_as_three_digits()
    {
        var cutPoints = new RfmCutPoints(new(7, 14, 30, 90), new(1, 2, 3, 5), new(20, 50, 100, 300));

        RfmScore score = cutPoints.Score(recencyDays: 10, frequency: 6, monetary: 120);

        Assert.Equal("454", score.ToString());
        Assert.Equal(454, score.Code);
    }

    [Fact]
    public void Tiers_on_a_population_give_20_percent_A_30_percent_B_and_D_for_every_loss_maker()
    {
        var random = new Random(20250602);
        double[] netValues = Enumerable.Range(0, 1000).Select(_ => (random.NextDouble() * 1000) - 150).ToArray();
        int losers = netValues.Count(v => v < 0);

        TierThresholds thresholds = TierThresholds.FromPopulation(netValues);
        var counts = netValues.GroupBy(thresholds.Classify).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(200, counts[Tier.A]);
        Assert.Equal(300, counts[Tier.B]);
        Assert.Equal(losers, counts[Tier.D]);
        Assert.Equal(1000 - 500 - losers, counts[Tier.C]);
    }

    [Fact]
    public void A_negative_net_value_is_D_even_when_most_of_the_population_loses_money()
    {
        double[] netValues = Enumerable.Range(0, 100).Select(i => i - 95.5).ToArray();
        TierThresholds thresholds = TierThresholds.FromPopulation(netValues);

        Assert.Equal(Tier.D, thresholds.Classify(-1));
        Assert.Equal(Tier.A, thresholds.Classify(3));
        Assert.Equal(Tier.D, TierThresholds.Uncalibrated.Classify(-0.01));
        Assert.Equal(Tier.C, TierThresholds.Uncalibrated.Classify(1e9));
    }
}
