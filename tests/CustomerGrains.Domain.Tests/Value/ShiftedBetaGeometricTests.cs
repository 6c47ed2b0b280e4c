using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>
/// The sBG against Fader &amp; Hardie (2007), "How to project customer retention": Table 1's survivor counts of the two
/// cohorts of 1,000 customers (years 0-7 for calibration, years 8-12 actuals), the high-end cohort's estimates
/// α = 0.668, β = 3.806 and its log-likelihood -2,115.5 at the spreadsheet's starting point α = β = 1 (as checked in the
/// reference implementation github.com/jdmaturen/shifted_beta_geometric_py, sbg.py test(), which states them per
/// customer: -2.115), and that implementation's README figures for the projection (years 8-12: 0.460, 0.436, 0.414,
/// 0.395, 0.378) and the DERL of the survivors after 7 renewals at d = 10% (7.530).
/// </summary>
public sealed class ShiftedBetaGeometricTests
{
    private static readonly long[] HighEnd = [1000, 869, 743, 653, 593, 551, 517, 491];
    private static readonly long[] HighEndYears8To12 = [468, 445, 427, 409, 394];
    private static readonly long[] Regular = [1000, 631, 468, 382, 326, 289, 262, 241];
    private static readonly long[] RegularYears8To12 = [223, 207, 194, 183, 173];

    [Fact]
    public void Fitting_the_high_end_cohort_reproduces_the_published_estimates()
    {
        var fit = ShiftedBetaGeometric.Fit(SbgObservations.FromSurvivors(HighEnd));

        Assert.True(fit.Converged, $"the optimiser did not converge after {fit.Iterations} iterations");
        Approx.SignificantDigits(0.668, fit.Parameters.Alpha, 3, "alpha");
        Approx.SignificantDigits(3.806, fit.Parameters.Beta, 4, "beta");
        Assert.True(fit.LogLikelihood > SbgObservations.FromSurvivors(HighEnd).LogLikelihood(1, 1));
    }

    [Fact]
    public void The_log_likelihood_at_the_starting_point_is_the_published_one()
    {
        Approx.Within(-2115.5, SbgObservations.FromSurvivors(HighEnd).LogLikelihood(1, 1), 0.05, "LL(1, 1)");
    }

    [Fact]
    public void The_high_end_projection_and_DERL_match_the_reference_figures()
    {
        var parameters = new SbgParameters(0.668, 3.806);

        double[] projected = [.. Enumerable.Range(8, 5).Select(t => ShiftedBetaGeometric.Survival(parameters, t))];

        double[] published = [0.460, 0.436, 0.414, 0.395, 0.378];
        for (int i = 0; i < published.Length; i++)
        {
            Approx.Within(published[i], projected[i], 0.0006, $"S({i + 8})");
        }
        Approx.Within(7.530, ShiftedBetaGeometric.DiscountedExpectedResidualLifetime(parameters, 7, 0.10), 0.0006, "DERL(d = 0.1, n = 7)");
    }

    [Theory]
    [InlineData(0, 0.10)]
    [InlineData(3, 0.01)]
    [InlineData(12, 0.0072)]
    public void DERL_equals_its_closed_form_with_the_hypergeometric_function(int renewals, double d)
    {
        var p = new SbgParameters(0.704, 1.182);

        double closed = (p.Beta + renewals) / (p.Alpha + p.Beta + renewals)
                        * Hypergeometric.Hyp2F1(1, p.Beta + renewals + 1, p.Alpha + p.Beta + renewals + 1, 1 / (1 + d));

        Approx.Relative(closed, ShiftedBetaGeometric.DiscountedExpectedResidualLifetime(p, renewals, d), 1e-10, "DERL");
    }

    [Fact]
    public void DERL_of_a_long_tenure_matches_an_arbitrary_precision_evaluation()
    {
        // mpmath 1.x: (β+n)/(α+β+n) · hyp2f1(1, β+n+1, α+β+n+1, 1/(1+d)) at 30 digits for α = 0.704, β = 1.182, n = 40, d = 0.25.
        // (Hypergeometric.Hyp2F1 is 2·10⁻⁸ off here, at z = 0.8 with b ≈ c ≈ 42, which is why DERL is summed directly.)
        Approx.Relative(4.6340456764171, ShiftedBetaGeometric.DiscountedExpectedResidualLifetime(new SbgParameters(0.704, 1.182), 40, 0.25), 1e-12, "DERL");
    }

    [Theory]
    [MemberData(nameof(Cohorts))]
    public void A_cohort_fitted_on_seven_years_projects_the_next_five_within_five_percent_of_what_happened(long[] calibration, long[] actual)
    {
        var fit = ShiftedBetaGeometric.Fit(SbgObservations.FromSurvivors(calibration));

        for (int i = 0; i < actual.Length; i++)
        {
            double projected = 1000 * ShiftedBetaGeometric.Survival(fit.Parameters, 8 + i);
            Approx.Relative(actual[i], projected, 0.05, $"survivors in year {8 + i}");
        }
    }

    public static TheoryData<long[], long[]> Cohorts => new() { { HighEnd, HighEndYears8To12 }, { Regular, RegularYears8To12 } };

    [Fact]
    public void Retention_rises_with_tenure_and_the_survival_is_their_product()
    {
        var p = new SbgParameters(0.668, 3.806);

        double[] rates = [.. Enumerable.Range(1, 12).Select(t => ShiftedBetaGeometric.RetentionRate(p, t))];

        Assert.True(rates.Zip(rates.Skip(1)).All(r => r.First < r.Second), "retention rates must rise: " + string.Join(", ", rates));
        Approx.Relative(rates.Aggregate(1.0, (s, r) => s * r), ShiftedBetaGeometric.Survival(p, 12), 1e-12, "S(12)");
        Approx.Relative(1 - ShiftedBetaGeometric.Survival(p, 12), Enumerable.Range(1, 12).Sum(t => ShiftedBetaGeometric.ChurnProbability(p, t)), 1e-12, "Σ P(T = t)");
        Assert.Equal(rates[5], ShiftedBetaGeometric.RenewalProbability(p, 5));
    }

    [Fact]
    public void Customer_durations_give_the_same_likelihood_as_the_survivor_counts_they_make()
    {
        var durations = new List<(int, bool)>();
        for (int t = 1; t < HighEnd.Length; t++)
        {
            durations.AddRange(Enumerable.Repeat((t, true), (int)(HighEnd[t - 1] - HighEnd[t])));
        }
        durations.AddRange(Enumerable.Repeat((HighEnd.Length - 1, false), (int)HighEnd[^1]));
        durations.AddRange(Enumerable.Repeat((0, false), 17));

        Approx.Relative(
            SbgObservations.FromSurvivors(HighEnd).LogLikelihood(0.9, 2.5), SbgObservations.FromDurations(durations).LogLikelihood(0.9, 2.5), 1e-12, "LL");
    }

    [Fact]
    public void Impossible_cohorts_are_refused_with_the_reason()
    {
        var rising = Assert.Throws<ArgumentException>(() => SbgObservations.FromSurvivors([1000, 900, 950]));
        Assert.Contains("Survivor count 2 (950)", rising.Message, StringComparison.Ordinal);
        var instant = Assert.Throws<ArgumentException>(() => SbgObservations.FromDurations([(0, true)]));
        Assert.Contains("a cancellation ends period 1 or later", instant.Message, StringComparison.Ordinal);
        var nobodyLeft = Assert.Throws<ArgumentException>(() => ShiftedBetaGeometric.Fit(SbgObservations.FromSurvivors([100, 100, 100])));
        Assert.Contains("customers who cancelled", nobodyLeft.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SbgParameters(0, 1));
    }
}
