using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class GammaGammaReferenceTests
{
    // Hardie's spreadsheet, full precision.
    private static readonly GammaGammaParameters Hardie = new(6.24983547654959, 3.7441106896737, 15.4423198312514);

    // The documentation's figures come from lifetimes' own fit, a little off Hardie's parameters: agreement to 0.01
    // (the reference allows 0.1).
    [Fact]
    public void Expected_spend_of_the_first_ten_CDNOW_customers_matches_the_lifetimes_documentation()
    {
        IReadOnlyList<CalibrationRow> customers = TestData.ReadSummary("cdnow_customers_summary_with_transactions.csv");
        double[] expected = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];

        for (int i = 0; i < expected.Length; i++)
        {
            CalibrationRow c = customers[i];
            Approx.Within(expected[i], GammaGamma.ConditionalExpectedSpend(Hardie, c.X, c.Zbar!.Value), 0.01, $"E[M] of customer {c.Id}");
        }
    }

    [Fact]
    public void Mean_expected_spend_over_all_CDNOW_customers_matches_the_lifetimes_documentation()
    {
        IReadOnlyList<CalibrationRow> customers = TestData.ReadSummary("cdnow_customers_summary_with_transactions.csv");

        double mean = customers.Average(c => GammaGamma.ConditionalExpectedSpend(Hardie, c.X, c.Zbar!.Value));

        Approx.Within(35.2529588, mean, 1e-3, "mean E[M]");
    }

    [Fact]
    public void A_customer_without_repeat_purchases_is_expected_to_spend_the_population_mean()
    {
        double populationMean = Hardie.P * Hardie.Gamma / (Hardie.Q - 1);

        Approx.Relative(populationMean, GammaGamma.ConditionalExpectedSpend(Hardie, 0, 0), 1e-15, "E[M | x = 0]");
        Approx.Relative(populationMean, GammaGamma.PopulationMeanSpend(Hardie), 1e-15, "population mean");
    }

    [Fact]
    public void More_repeat_purchases_pull_the_expected_spend_towards_the_customers_own_mean()
    {
        double few = GammaGamma.ConditionalExpectedSpend(Hardie, 1, 100);
        double many = GammaGamma.ConditionalExpectedSpend(Hardie, 20, 100);

        Assert.True(few < many && many < 100, $"E[M | 1, 100] = {few}, E[M | 20, 100] = {many}");
    }
}
