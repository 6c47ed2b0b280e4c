using CustomerGrains.Domain.Value;
using CustomerGrains.Testing;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>The calibration/hold-out split and comparison on CDNOW's sample, against Fader, Hardie &amp; Lee (2005).</summary>
public sealed class HoldoutTests
{
    private static readonly CalibrationPeriod Paper = new(new DateOnly(1997, 9, 30), new DateOnly(1998, 6, 30));

    private static HoldoutSample CdnowSample()
    {
        using var reader = new StreamReader(TestEnvironment.RequireSharedData(Path.Combine("cdnow", "CDNOW_sample.txt")));
        return HoldoutSample.Create(Paper, TransactionFile.Read(reader));
    }

    [Fact]
    public void Cutting_the_CDNOW_sample_at_1997_09_30_gives_the_published_calibration_summaries()
    {
        HoldoutSample sample = CdnowSample();
        Dictionary<int, CalibrationRow> published = TestData.ReadSummary("cdnow_customers_summary_with_transactions.csv")
            .ToDictionary(r => int.Parse(r.Id, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(published.Count, sample.Customers.Count);
        foreach (HoldoutCustomer customer in sample.Customers)
        {
            CalibrationRow ours = customer.Calibration;
            CalibrationRow theirs = published[int.Parse(ours.Id, System.Globalization.CultureInfo.InvariantCulture)];
            Assert.True(
                ours.X == theirs.X && Math.Abs(ours.Tx - theirs.Tx) <= 0.0051 && Math.Abs(ours.T - theirs.T) <= 0.0051
                && Math.Abs(ours.Zbar!.Value - theirs.Zbar!.Value) <= 0.0051,
                $"customer {ours.Id}: ours {ours}, published {theirs}");
        }
        Assert.Equal(39.0, Paper.HoldoutWeeks);
    }

    [Fact]
    public void The_BG_NBD_fitted_on_the_calibration_period_reproduces_the_papers_hold_out_comparison()
    {
        HoldoutSample sample = CdnowSample();

        FitResult<BgNbdParameters> fit = ValueModelFitter.FitBgNbd(sample.CalibrationRows);
        HoldoutComparison comparison = HoldoutComparison.Compute(fit.Parameters, sample);

        Approx.Within(-9582.43, fit.LogLikelihood, 0.01, "calibration log-likelihood");
        // FHL 2005: 1,882 actual repeat purchases in weeks 40-78 against 1,654 predicted from the calibration fit.
        Assert.Equal(1882, comparison.TotalActual);
        Approx.Within(1654, comparison.TotalPredicted, 1.5, "total predicted hold-out purchases");
        Assert.Equal(39.0, comparison.HoldoutWeeks);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7+"], comparison.Groups.Select(g => g.Label));
        Assert.Equal(sample.Customers.Count, comparison.Groups.Sum(g => g.Customers));
        Assert.Equal(1411, comparison.Groups[0].Customers);
        Approx.Within(comparison.TotalActual, comparison.Groups.Sum(g => g.Customers * g.MeanActual), 1e-9, "groups add up to the actual total");
        Approx.Within(comparison.TotalPredicted, comparison.Groups.Sum(g => g.Customers * g.MeanPredicted), 1e-6, "groups add up to the predicted total");
        // The conditional expectation rises with the calibration repeat count, as the actual means do (figure 4).
        Assert.True(comparison.Groups.Zip(comparison.Groups.Skip(1)).All(p => p.First.MeanPredicted < p.Second.MeanPredicted));

        // The paper's rounded parameters give the same group means within rounding.
        HoldoutComparison paper = HoldoutComparison.Compute(new BgNbdParameters(0.243, 4.414, 0.793, 2.426), sample);
        foreach ((HoldoutGroup ours, HoldoutGroup theirs) in comparison.Groups.Zip(paper.Groups))
        {
            Approx.Within(theirs.MeanPredicted, ours.MeanPredicted, 0.002, $"mean predicted of group {ours.Label}");
        }
        Approx.Within(comparison.Groups.Average(g => g.AbsoluteError), comparison.GroupMeanAbsoluteError, 1e-12, "group MAE");
        Approx.Within(comparison.TotalPredicted - comparison.TotalActual, comparison.TotalError, 1e-9, "total error");
    }

    [Fact]
    public void The_tracking_curve_counts_every_repeat_purchase_and_the_fit_tracks_the_calibration_period()
    {
        HoldoutSample sample = CdnowSample();
        HoldoutComparison comparison = HoldoutComparison.Compute(ValueModelFitter.FitBgNbd(sample.CalibrationRows).Parameters, sample);
        IReadOnlyList<TrackingPoint> curve = comparison.Tracking;

        Assert.Equal(78, curve.Count);
        Assert.Equal(new DateOnly(1998, 6, 30), curve[^1].Through);
        int calibrationRepeats = sample.Customers.Sum(c => c.Calibration.X);
        TrackingPoint calibrationEnd = curve[comparison.CalibrationEndWeek - 1];
        Assert.Equal(new DateOnly(1997, 9, 30), calibrationEnd.Through);
        Assert.Equal(calibrationRepeats, calibrationEnd.Actual);
        Assert.Equal(calibrationRepeats + comparison.TotalActual, curve[^1].Actual);
        Assert.True(curve.Zip(curve.Skip(1)).All(p => p.First.Actual <= p.Second.Actual && p.First.Predicted < p.Second.Predicted));
        Approx.Relative(calibrationRepeats, calibrationEnd.Predicted, 0.03, "predicted cumulative repeat purchases at the calibration end");
    }

    [Fact]
    public void Pareto_NBD_fitted_on_the_calibration_period_predicts_the_CDNOW_hold_out_groups_closer_than_BG_NBD()
    {
        HoldoutSample sample = CdnowSample();

        FitResult<ParetoNbdParameters> pareto = ValueModelFitter.FitParetoNbd(sample.CalibrationRows);
        HoldoutComparison paretoComparison = HoldoutComparison.Compute(pareto.Parameters, sample);
        HoldoutComparison bgNbd = HoldoutComparison.Compute(ValueModelFitter.FitBgNbd(sample.CalibrationRows).Parameters, sample);

        Approx.Within(-9594.976, pareto.LogLikelihood, 0.01, "Pareto/NBD calibration log-likelihood");
        Assert.Equal(RepeatPurchaseModelKind.ParetoNbd, paretoComparison.Model);
        Assert.True(
            paretoComparison.GroupMeanAbsoluteError < bgNbd.GroupMeanAbsoluteError,
            $"Pareto/NBD group MAE {paretoComparison.GroupMeanAbsoluteError} vs BG/NBD {bgNbd.GroupMeanAbsoluteError}");
    }

    [Fact]
    public void A_CSV_transactions_file_is_summarised_like_CDNOWs_own_format_merging_same_day_purchases()
    {
        const string Csv = "customer,date,amount\na,1997-01-01,10\na,1997-01-01,5\na,1997-01-15,20\na,1997-02-12,30\nb,1997-01-08,7\nb,1997-03-01,9\nc,1997-03-05,4\n";
        const string Cdnow = " 00001 19970101  1   10\n 00001 19970101  1   5\n 00001 19970115  2   20\n 00001 19970212  1   30\n 00002 19970108 1 7\n 00002 19970301 1 9\n 00003 19970305 1 4\n";
        var period = new CalibrationPeriod(new DateOnly(1997, 1, 31), new DateOnly(1997, 3, 2));

        HoldoutCustomer[] fromCsv = [.. period.Split(TransactionFile.Read(new StringReader(Csv)))];
        HoldoutCustomer[] fromCdnow = [.. period.Split(TransactionFile.Read(new StringReader(Cdnow)))];

        Assert.Equal(2, fromCsv.Length); // c first bought after the calibration end
        Assert.Equal(new CalibrationRow("a", 1, 2, 30 / 7.0, 20), fromCsv[0].Calibration);
        Assert.Equal(1, fromCsv[0].HoldoutPurchases);
        Assert.Equal(new CalibrationRow("b", 0, 0, 23 / 7.0, 0), fromCsv[1].Calibration);
        Assert.Equal(1, fromCsv[1].HoldoutPurchases);
        Assert.Equal(fromCsv.Select(c => c with { Calibration = c.Calibration with { Id = "" } }),
            fromCdnow.Select(c => c with { Calibration = c.Calibration with { Id = "" } }));
    }

    [Theory]
    [InlineData("customer,date,amount\na,1997-13-01,10\n", 2, "date", "YYYY-MM-DD")]
    [InlineData("customer,date,amount\na,1997-01-01,-3\n", 2, "amount", "at least 0")]
    [InlineData("customer,date,amount\na,1997-01-01\n", 2, null, "expected 3 fields")]
    [InlineData("customer,when,amount\n", 1, null, "customer, date and amount")]
    [InlineData(" 00001 1997010 1 10\n", 1, "date", "YYYYMMDD")]
    [InlineData(" 00001 19970101 1\n", 1, null, "4 (customer date cds amount) or 5")]
    [InlineData("\n\n", 2, null, "no transaction")]
    public void A_malformed_transactions_file_is_refused_naming_the_line_and_column(string text, int line, string? column, string reason)
    {
        var error = Assert.Throws<CalibrationCsvFormatException>(() => TransactionFile.Read(new StringReader(text)));

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
