using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>Per-customer predictions against the figures in shared/data/cdnow/reference-values.md.</summary>
public sealed class BgNbdReferenceTests
{
    private static readonly BgNbdParameters Paper = new(0.243, 4.414, 0.793, 2.426);
    private static readonly BgNbdParameters Lifetimes = new(0.242593, 4.413532, 0.792886, 2.425752);
    private static readonly BgNbdParameters Btyd = new(0.2425982, 4.413684, 0.7929899, 2.426167);

    [Fact]
    public void Expected_purchases_of_customer_1_over_39_weeks_match_Hardies_spreadsheet()
    {
        Approx.Within(1.226, BgNbd.ConditionalExpectedPurchases(Lifetimes, 39, 2, 30.43, 38.86), 1e-3, "E[Y(39) | 2, 30.43, 38.86]");
    }

    [Theory]
    [InlineData(0.1429, 0.0078)]
    [InlineData(1, 0.0532)]
    [InlineData(3, 0.1506)]
    [InlineData(31.8571, 1.0405)]
    [InlineData(32, 1.0437)]
    [InlineData(78, 1.8580)]
    public void Unconditional_expected_purchases_match_the_reference_to_three_decimals(double weeks, double expected)
    {
        Approx.Within(expected, BgNbd.ExpectedPurchases(Lifetimes, weeks), 1.5e-3, $"E[X({weeks})]");
    }

    [Fact]
    public void Unconditional_expected_purchases_over_a_year_match_BTYD()
    {
        Approx.Relative(1.444004, BgNbd.ExpectedPurchases(Btyd, 52), 2e-5, "E[X(52)]");
    }

    [Fact]
    public void Heavy_buyer_1516_has_the_BTYD_expected_purchases_and_probability_alive()
    {
        Approx.Relative(25.75659, BgNbd.ConditionalExpectedPurchases(Btyd, 52, 26, 30.857143, 31), 5e-6, "E[Y(52)]");
        Approx.Within(0.9688523, BgNbd.ProbabilityAlive(Btyd, 26, 30.857143, 31), 2e-7, "P(alive)");
    }

    [Theory]
    [InlineData(10, 0.3474606)]
    [InlineData(15, 0.04283391)]
    [InlineData(20, 0.004158973)]
    [InlineData(25, 0.0003583685)]
    public void More_purchases_with_the_same_old_recency_mean_fewer_expected_purchases(int x, double expected)
    {
        Approx.Relative(expected, BgNbd.ConditionalExpectedPurchases(Btyd, 52, x, 20, 39), 1e-5, $"E[Y(52) | x = {x}, t_x = 20, T = 39]");
    }

    [Fact]
    public void Purchase_count_probabilities_match_the_reference()
    {
        Approx.Relative(1.07869e-07, BgNbd.ProbabilityOfPurchases(Paper, 2, 10), 1e-5, "P(X(2) = 10)");
        Approx.Within(0.5737864, BgNbd.ProbabilityOfPurchases(Paper, 39, 0), 1e-7, "P(X(39) = 0)");
        double[] expected =
        [
            0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
            0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260,
        ];
        for (int n = 11; n <= 20; n++)
        {
            Approx.Within(expected[n - 11], BgNbd.ProbabilityOfPurchases(Paper, 30, n), 1e-10, $"P(X(30) = {n})");
        }
    }

    [Fact]
    public void Purchase_count_probabilities_sum_to_one_and_their_mean_is_the_expected_count()
    {
        double total = 0;
        double mean = 0;
        for (int n = 0; n < 2000; n++)
        {
            double p = BgNbd.ProbabilityOfPurchases(Paper, 52, n);
            total += p;
            mean += n * p;
        }

        Approx.Within(1, total, 1e-9, "Σ P(X(52) = n)");
        Approx.Relative(BgNbd.ExpectedPurchases(Paper, 52), mean, 1e-8, "Σ n P(X(52) = n)");
    }

    [Theory]
    [InlineData(18, 35.14, 35.86, 0.424877)]
    [InlineData(19, 34.00, 34.14, 0.474738)]
    [InlineData(17, 28.43, 28.86, 0.486526)]
    [InlineData(29, 37.71, 38.00, 0.662396)]
    [InlineData(26, 30.86, 31.00, 0.710623)]
    public void Next_week_predictions_for_the_top_customers_match_the_lifetimes_documentation(int x, double tx, double t, double expected)
    {
        Approx.Within(expected, BgNbd.ConditionalExpectedPurchases(Lifetimes, 1, x, tx, t), 1e-6, $"E[Y(1) | {x}, {tx}, {t}]");
    }

    [Fact]
    public void A_customer_without_repeat_purchases_is_alive_by_convention()
    {
        Assert.Equal(1, BgNbd.ProbabilityAlive(Paper, 0, 0, 38.86));
    }

    [Fact]
    public void Expectations_are_continuous_across_the_singular_point_a_equals_one()
    {
        double at = BgNbd.ExpectedPurchases(new BgNbdParameters(0.5, 5, 1.0, 2.5), 52);
        double below = BgNbd.ExpectedPurchases(new BgNbdParameters(0.5, 5, 1.0 - 1e-3, 2.5), 52);
        double above = BgNbd.ExpectedPurchases(new BgNbdParameters(0.5, 5, 1.0 + 1e-3, 2.5), 52);

        Approx.Relative((below + above) / 2, at, 1e-6, "E[X(52)] at a = 1");
    }

    [Fact]
    public void Invalid_parameters_and_histories_are_rejected_with_the_argument_named()
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new BgNbdParameters(0.2, -1, 0.8, 2.4)).ParamName);
        Assert.Equal("tx", Assert.Throws<ArgumentOutOfRangeException>(() => BgNbd.ProbabilityAlive(Paper, 2, 40, 39)).ParamName);
    }
}
