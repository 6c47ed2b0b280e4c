using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class ModelFittingTests
{
    // The paper's (Fader, Hardie & Lee 2005) estimates and the BTYD/CLVTools log-likelihood at the optimum.
    private const double PaperLogLikelihood = -9582.429;

    [Fact]
    public void Fitting_BgNbd_to_the_CDNOW_summary_reproduces_the_published_parameters_and_log_likelihood()
    {
        IReadOnlyList<CalibrationRow> customers = TestData.ReadSummary("cdnow_customers_summary.csv");

        FitResult<BgNbdParameters> fit = ValueModelFitter.FitBgNbd(customers);

        Assert.True(fit.Converged, $"the optimiser did not converge after {fit.Iterations} iterations");
        Approx.SignificantDigits(0.243, fit.Parameters.R, 3, "r");
        Approx.SignificantDigits(4.414, fit.Parameters.Alpha, 3, "alpha");
        Approx.SignificantDigits(0.793, fit.Parameters.A, 3, "a");
        Approx.SignificantDigits(2.426, fit.Parameters.B, 3, "b");
        Approx.Within(PaperLogLikelihood, fit.LogLikelihood, 0.1, "log-likelihood");
        Approx.Within(fit.LogLikelihood, BgNbd.LogLikelihood(fit.Parameters, customers), 1e-6, "reported vs recomputed log-likelihood");
    }

    [Fact]
    public void Fitting_GammaGamma_to_the_CDNOW_repeat_spend_reproduces_the_published_parameters()
    {
        IReadOnlyList<CalibrationRow> customers = TestData.ReadSummary("cdnow_customers_summary_with_transactions.csv");

        FitResult<GammaGammaParameters> fit = ValueModelFitter.FitGammaGamma(customers);

        Assert.True(fit.Converged, $"the optimiser did not converge after {fit.Iterations} iterations");
        Approx.SignificantDigits(6.25, fit.Parameters.P, 3, "p");
        Approx.SignificantDigits(3.74, fit.Parameters.Q, 3, "q");
        Approx.SignificantDigits(15.44, fit.Parameters.Gamma, 3, "gamma");
        Approx.Within(-4055.9232, fit.LogLikelihood, 0.1, "log-likelihood");
    }

    [Fact]
    public void The_summed_log_likelihood_equals_the_sum_of_the_per_customer_log_likelihoods()
    {
        var parameters = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
        CalibrationRow[] customers =
        [
            new("1", 2, 30.43, 38.86, null), new("2", 1, 1.71, 38.86, null), new("3", 0, 0, 38.86, null),
            new("4", 0, 0, 38.86, null), new("5", 26, 30.86, 31, null),
        ];

        double sum = customers.Sum(c => BgNbd.LogLikelihood(parameters, c.X, c.Tx, c.T));

        Approx.Within(sum, BgNbd.LogLikelihood(parameters, customers), 1e-9, "grouped vs per-customer log-likelihood");
    }
}
