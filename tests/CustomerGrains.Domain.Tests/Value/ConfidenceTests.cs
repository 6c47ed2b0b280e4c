using CustomerGrains.Domain.Value;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>The fitted models on the CDNOW summary, fitted once for all the confidence tests.</summary>
public sealed class CdnowFits
{
    public CdnowFits()
    {
        Customers = TestData.ReadSummary("cdnow_customers_summary_with_transactions.csv");
        BgNbd = ValueModelFitter.FitBgNbd(Customers);
        GammaGamma = ValueModelFitter.FitGammaGamma(Customers);
    }

    public IReadOnlyList<CalibrationRow> Customers { get; }

    public FitResult<BgNbdParameters> BgNbd { get; }

    public FitResult<GammaGammaParameters> GammaGamma { get; }
}

/// <summary>Parameter uncertainty at fit time and the intervals it gives each customer's expected purchases and CLV.</summary>
public sealed class ConfidenceTests(CdnowFits fits) : IClassFixture<CdnowFits>
{
    private static readonly DateTimeOffset Now = ValueScorerTests.Now;

    [Fact]
    public void Pareto_NBD_standard_errors_on_CDNOW_match_the_ones_CLVTools_publishes()
    {
        // CLVTools tests/testthat/test_correctness_pnbd.R: sqrt(diag(vcov)) of the Pareto/NBD fitted on the CDNOW sample
        // calibrated to 1997-09-30 (the same 2,357 customers as this summary).
        FitResult<ParetoNbdParameters> fit = ValueModelFitter.FitParetoNbd(TestData.ReadSummary("cdnow_customers_summary.csv"));

        IReadOnlyList<double> errors = fit.Uncertainty!.StandardErrors();

        Assert.Equal(["r", "alpha", "s", "beta"], fit.Uncertainty.Names);
        Approx.Relative(0.0476264, errors[0], 0.02, "se(r)");
        Approx.Relative(0.8427222, errors[1], 0.02, "se(alpha)");
        Approx.Relative(0.1872594, errors[2], 0.03, "se(s)");
        Approx.Relative(6.2105448, errors[3], 0.03, "se(beta) (the surface is flat in beta)");
    }

    [Fact]
    public void Every_fitted_parameter_has_a_positive_finite_standard_error_and_an_interval_around_it()
    {
        foreach (ParameterUncertainty u in new[] { fits.BgNbd.Uncertainty!, fits.GammaGamma.Uncertainty! })
        {
            IReadOnlyList<double> errors = u.StandardErrors();
            for (int i = 0; i < u.Names.Count; i++)
            {
                Assert.True(double.IsFinite(errors[i]) && errors[i] > 0, $"se({u.Names[i]}) = {errors[i]}");
                ValueInterval interval = u.Interval(i, 0.9);
                Assert.InRange(u.Estimates[i], interval.Low, interval.High);
                Assert.True(interval.Low > 0 && interval.High > interval.Low, $"{u.Names[i]}: {interval}");
            }
        }

        Assert.Equal(
            [fits.BgNbd.Parameters.R, fits.BgNbd.Parameters.Alpha, fits.BgNbd.Parameters.A, fits.BgNbd.Parameters.B],
            fits.BgNbd.Uncertainty!.Estimates);
    }

    [Fact]
    public void Half_the_customers_give_wider_intervals_by_about_the_square_root_of_two()
    {
        var half = fits.Customers.Where((_, i) => i % 2 == 0).ToList();

        ParameterUncertainty fromHalf = ValueModelFitter.FitBgNbd(half).Uncertainty!;

        ParameterUncertainty fromAll = fits.BgNbd.Uncertainty!;
        for (int i = 0; i < fromAll.Names.Count; i++)
        {
            double ratio = Math.Sqrt(fromHalf.LogCovariance[i][i] / fromAll.LogCovariance[i][i]);
            Assert.InRange(ratio, 1.2, 1.7);
        }
    }

    [Fact]
    public void A_point_that_is_not_a_maximum_has_no_covariance()
    {
        // A saddle: a maximum in ln u, a minimum in ln v.
        ParameterUncertainty? saddle = ParameterUncertainty.AtMaximum(
            ["u", "v"], [1.0, 1.0], p => -Math.Pow(Math.Log(p[0]), 2) + Math.Pow(Math.Log(p[1]), 2));

        ParameterUncertainty? peak = ParameterUncertainty.AtMaximum(
            ["u", "v"], [2.0, 3.0], p => -(50 * Math.Pow(Math.Log(p[0] / 2), 2)) - (8 * Math.Pow(Math.Log(p[1] / 3), 2)));

        Assert.Null(saddle);
        Assert.NotNull(peak);
        // -½ (ln u)²/σ² with σ² = 1/100 and 1/16.
        Approx.Relative(0.01, peak.LogCovariance[0][0], 1e-4, "var(ln u)");
        Approx.Relative(1.0 / 16, peak.LogCovariance[1][1], 1e-4, "var(ln v)");
        Approx.Within(0, peak.LogCovariance[0][1], 1e-8, "cov");
    }

    [Fact]
    public void A_covariance_that_is_not_symmetric_or_has_no_variance_is_refused_with_the_parameter_named()
    {
        var asymmetric = Assert.Throws<ArgumentException>(() =>
            new ParameterUncertainty(["p", "q"], [1, 2], [[0.1, 0.05], [0.02, 0.1]]));
        var noVariance = Assert.Throws<ArgumentException>(() =>
            new ParameterUncertainty(["p", "q"], [1, 2], [[0.1, 0], [0, 0]]));

        Assert.Contains("ln q and ln p", asymmetric.Message);
        Assert.Contains("ln q", noVariance.Message);
    }

    [Theory]
    [InlineData(0, 200, 0, 0.0)]
    [InlineData(1, 300, 200, 30.0)]
    [InlineData(4, 250, 20, 45.0)]
    [InlineData(12, 400, 7, 25.0)]
    public void A_customers_interval_contains_their_figures_and_agrees_with_quantiles_over_parameter_draws(
        int repeats, int firstDaysAgo, int lastRepeatDaysAgo, double netPerRepeat)
    {
        var model = new ValueModel(fits.BgNbd.Parameters, fits.GammaGamma.Parameters, new ValueModelOptions());
        var confidence = new ValueConfidence(model, fits.BgNbd.Uncertainty!, fits.GammaGamma.Uncertainty!);
        ValueInputs inputs = ValueScorerTests.Customer(repeats, firstDaysAgo, lastRepeatDaysAgo, netPerRepeat);
        ValueScore score = Score(inputs, model);

        ValueIntervals intervals = confidence.Of(inputs, Now, score);

        Assert.Equal(0.9, intervals.Level);
        Assert.InRange(score.ExpectedPurchases, intervals.ExpectedPurchases.Low, intervals.ExpectedPurchases.High);
        Assert.InRange(score.Clv, intervals.Clv.Low, intervals.Clv.High);
        Assert.True(intervals.Clv.High > intervals.Clv.Low, $"CLV interval {intervals.Clv} has no width");

        // The same normal approximation, propagated the slow way: quantiles of the figures over parameter sets drawn
        // from the fitted distribution of the log-parameters.
        var drawn = DrawnIntervals(inputs, 2000);
        Approx.Within(drawn.Purchases.Low, intervals.ExpectedPurchases.Low, 0.1 * Width(drawn.Purchases), "expected purchases, low");
        Approx.Within(drawn.Purchases.High, intervals.ExpectedPurchases.High, 0.1 * Width(drawn.Purchases), "expected purchases, high");
        Approx.Within(drawn.Clv.Low, intervals.Clv.Low, 0.1 * Width(drawn.Clv), "CLV, low");
        Approx.Within(drawn.Clv.High, intervals.Clv.High, 0.1 * Width(drawn.Clv), "CLV, high");
    }

    [Fact]
    public void A_prospect_has_no_spread_and_a_loyal_buyer_a_narrower_relative_one_than_a_lapsed_one()
    {
        var model = new ValueModel(fits.BgNbd.Parameters, fits.GammaGamma.Parameters, new ValueModelOptions());
        var confidence = new ValueConfidence(model, fits.BgNbd.Uncertainty!, fits.GammaGamma.Uncertainty!);
        var prospect = new ValueInputs { CallMinutes = 3 };
        ValueInputs loyal = ValueScorerTests.Customer(12, 400, 7, 25);
        ValueInputs lapsed = ValueScorerTests.Customer(4, 400, 300, 25);

        ValueIntervals none = confidence.Of(prospect, Now, Score(prospect, model));
        ValueIntervals ofLoyal = confidence.Of(loyal, Now, Score(loyal, model));
        ValueIntervals ofLapsed = confidence.Of(lapsed, Now, Score(lapsed, model));

        Assert.Equal(new ValueInterval(0, 0), none.Clv);
        Assert.Equal(new ValueInterval(0, 0), none.ExpectedPurchases);
        Assert.True(Relative(ofLoyal.ExpectedPurchases) < Relative(ofLapsed.ExpectedPurchases),
            $"loyal {ofLoyal.ExpectedPurchases} vs lapsed {ofLapsed.ExpectedPurchases}");
    }

    [Fact]
    public void A_subscribers_CLV_interval_is_her_purchases_interval_moved_by_the_contracts_residual_value()
    {
        var model = new ValueModel(fits.BgNbd.Parameters, fits.GammaGamma.Parameters, new ValueModelOptions());
        var scoring = new ScoringModel("m1", model, ScoringModel.UncalibratedPopulationVersion, PopulationStatistics.Uncalibrated)
        {
            Confidence = new ValueConfidence(model, fits.BgNbd.Uncertainty!, fits.GammaGamma.Uncertainty!),
        };
        var buyer = new History().Purchases(History.T0, count: 6, everyDays: 30, amount: 60m);
        var subscriber = new History().Purchases(History.T0, count: 6, everyDays: 30, amount: 60m)
            .Apply(new Domain.Events.SubscriptionStarted
            {
                EventId = "s-start", CustomerId = "c-1", OccurredAt = History.T0, Source = "billing",
                SubscriptionId = "s-1", Plan = "Fiber", MonthlyCharge = 80m, ContractMonths = 1,
            });
        var now = History.T0.AddMonths(7);

        ValueScore buyerScore = scoring.Score(buyer.State, now);
        ValueScore subscriberScore = scoring.Score(subscriber.State, now);
        ValueIntervals ofBuyer = scoring.Intervals(buyer.State, now, buyerScore)!;
        ValueIntervals ofSubscriber = scoring.Intervals(subscriber.State, now, subscriberScore)!;

        double residual = scoring.Contract(subscriber.State, now)!.ResidualValue;
        Assert.True(residual > 0, "the subscription adds a residual value");
        Assert.Equal(buyerScore.Clv + residual, subscriberScore.Clv, 6);
        Assert.InRange(subscriberScore.Clv, ofSubscriber.Clv.Low, ofSubscriber.Clv.High);
        Assert.Equal(ofBuyer.Clv.Low + residual, ofSubscriber.Clv.Low, 6);
        Assert.Equal(ofBuyer.Clv.High + residual, ofSubscriber.Clv.High, 6);
        Assert.Equal(ofBuyer.ExpectedPurchases, ofSubscriber.ExpectedPurchases);
    }

    [Fact]
    public void The_uncertainty_of_other_parameters_is_refused()
    {
        var model = new ValueModel(new BgNbdParameters(0.3, 4, 0.8, 2.4), fits.GammaGamma.Parameters, new ValueModelOptions());

        var error = Assert.Throws<ArgumentException>(() => new ValueConfidence(model, fits.BgNbd.Uncertainty!, fits.GammaGamma.Uncertainty!));

        Assert.Contains("not of the model's parameters", error.Message);
    }

    private static double Width(ValueInterval i) => i.High - i.Low;

    private static double Relative(ValueInterval i) => i.High / i.Low;

    private static ValueScore Score(in ValueInputs inputs, ValueModel model) =>
        ValueScorer.Compute(inputs, Now, model, new RfmCutPoints(default, default, default), TierThresholds.Uncalibrated);

    private (ValueInterval Purchases, ValueInterval Clv) DrawnIntervals(ValueInputs inputs, int draws)
    {
        var random = new Random(20251202);
        double[] purchases = new double[draws];
        double[] clv = new double[draws];
        double[] b = Draw(fits.BgNbd.Uncertainty!, random, draws);
        double[] g = Draw(fits.GammaGamma.Uncertainty!, random, draws);
        for (int d = 0; d < draws; d++)
        {
            var model = new ValueModel(
                new BgNbdParameters(b[4 * d], b[(4 * d) + 1], b[(4 * d) + 2], b[(4 * d) + 3]),
                new GammaGammaParameters(g[3 * d], g[(3 * d) + 1], g[(3 * d) + 2]),
                new ValueModelOptions());
            ValueScore score = Score(inputs, model);
            purchases[d] = score.ExpectedPurchases;
            clv[d] = score.Clv;
        }

        return (Quantiles(purchases), Quantiles(clv));

        static ValueInterval Quantiles(double[] values)
        {
            Array.Sort(values);
            return new ValueInterval(values[(int)(0.05 * values.Length)], values[(int)(0.95 * values.Length)]);
        }
    }

    /// <summary>Parameter sets exp(ln θ + L z), z standard normal, L the Cholesky factor of the log covariance, one after another.</summary>
    private static double[] Draw(ParameterUncertainty u, Random random, int draws)
    {
        int n = u.Names.Count;
        var covariance = Matrix<double>.Build.Dense(n, n, (i, j) => u.LogCovariance[i][j]);
        Matrix<double> factor = covariance.Cholesky().Factor;
        double[] result = new double[n * draws];
        for (int d = 0; d < draws; d++)
        {
            Vector<double> z = Vector<double>.Build.Dense(n, _ => Normal.Sample(random, 0, 1));
            Vector<double> shift = factor * z;
            for (int i = 0; i < n; i++)
            {
                result[(n * d) + i] = u.Estimates[i] * Math.Exp(shift[i]);
            }
        }

        return result;
    }
}
