using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>Pareto/NBD against the figures in shared/data/cdnow/reference-values.md.</summary>
public sealed class ParetoNbdReferenceTests
{
    private static readonly ParetoNbdParameters ClvTools = new(0.55315, 10.57633, 0.60625, 11.67150);
    private static readonly ParetoNbdParameters Btyd = new(0.5534, 10.5802, 0.6061, 11.6562);

    [Fact]
    public void Fitting_Pareto_NBD_to_the_CDNOW_summary_reproduces_the_published_parameters_and_log_likelihood()
    {
        IReadOnlyList<CalibrationRow> customers = TestData.ReadSummary("cdnow_customers_summary.csv");

        FitResult<ParetoNbdParameters> fit = ValueModelFitter.FitParetoNbd(customers);

        Assert.True(fit.Converged, $"the optimiser did not converge after {fit.Iterations} iterations");
        Approx.SignificantDigits(0.553, fit.Parameters.R, 3, "r");
        Approx.SignificantDigits(10.58, fit.Parameters.Alpha, 4, "alpha");
        Approx.SignificantDigits(0.606, fit.Parameters.S, 3, "s");
        Approx.Within(11.669, fit.Parameters.Beta, 0.02, "beta (the surface is flat in beta)");
        Approx.Within(-9594.976, fit.LogLikelihood, 0.01, "log-likelihood");
        Approx.Within(fit.LogLikelihood, ParetoNbd.LogLikelihood(fit.Parameters, customers), 1e-6, "reported vs recomputed log-likelihood");
    }

    [Fact]
    public void The_log_likelihood_at_the_CLVTools_estimates_is_the_published_optimum()
    {
        IReadOnlyList<CalibrationRow> customers = TestData.ReadSummary("cdnow_customers_summary.csv");

        Approx.Within(-9594.976, ClvTools.LogLikelihood(customers), 0.01, "LL");
        double sum = customers.Take(50).Sum(c => ParetoNbd.LogLikelihood(ClvTools, c.X, c.Tx, c.T));
        Approx.Within(sum, ClvTools.LogLikelihood(customers.Take(50)), 1e-9, "grouped vs per-customer log-likelihood");
    }

    [Fact]
    public void Heavy_buyer_1516_has_the_BTYD_probability_alive_and_expected_purchases()
    {
        Approx.Within(0.997874, ClvTools.ProbabilityAlive(26, 30.857143, 31), 1e-5, "P(alive)");
        Approx.Within(25.4565, ClvTools.ConditionalExpectedPurchases(52, 26, 30.857143, 31), 0.01, "E[Y(52)]");
    }

    [Fact]
    public void Expected_purchases_of_a_new_customer_over_a_year_match_BTYD()
    {
        // BTYD's figure is at its full-precision estimates; its rounded (4-digit) ones move it in the 4th digit.
        Approx.Relative(1.473434, Btyd.ExpectedPurchases(52), 5e-4, "E[X(52)]");
    }

    [Theory]
    [InlineData(1, 0.05078)]
    [InlineData(2, 0.09916)]
    [InlineData(3, 0.14543)]
    [InlineData(5, 0.23247)]
    [InlineData(9, 0.38909)]
    public void Expected_purchases_of_a_new_customer_match_lifetimes(double weeks, double expected)
    {
        // lifetimes' own tolerance (atol 0.01): its figures come from its own fit of the same data.
        Approx.Within(expected, Btyd.ExpectedPurchases(weeks), 0.01, $"E[X({weeks})]");
    }

    [Theory]
    [InlineData(10, 0.7062289)]
    [InlineData(15, 0.1442396)]
    [InlineData(20, 0.02250658)]
    [InlineData(25, 0.00309267)]
    public void More_purchases_with_the_same_old_recency_mean_fewer_expected_purchases(int x, double expected)
    {
        Approx.Relative(expected, ClvTools.ConditionalExpectedPurchases(52, x, 20, 39), 3e-3, $"E[Y(52) | x = {x}, t_x = 20, T = 39]");
    }

    [Fact]
    public void A_history_that_ends_at_its_last_purchase_is_surely_alive_and_extreme_histories_stay_finite()
    {
        Assert.Equal(1.0, ClvTools.ProbabilityAlive(5, 10, 10));
        foreach ((int x, double tx, double T) in new[] { (0, 0.0, 0.0), (0, 0.0, 5000.0), (500, 1.0, 5000.0), (2000, 4999.0, 5000.0) })
        {
            double p = ClvTools.ProbabilityAlive(x, tx, T);
            double e = ClvTools.ConditionalExpectedPurchases(52, x, tx, T);
            double ll = ParetoNbd.LogLikelihood(ClvTools, x, tx, T);
            Assert.True(p is >= 0 and <= 1 && double.IsFinite(e) && e >= 0 && double.IsFinite(ll), $"({x}, {tx}, {T}): P(alive) {p}, E {e}, LL {ll}");
        }
    }
}
