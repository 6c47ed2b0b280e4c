using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.Value;
using CustomerGrains.Domain.Tests.Value;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>
/// The sixth emotional type, secretly pleased (窃喜型): met with firm measures by the policy, no escalation of compensation,
/// the supervisor informed; and flagged by the engine from the complaint history when nobody noted the mood.
/// </summary>
public sealed class ComplaintPatternTests
{
    private static Treatment Treat(History h, DateTimeOffset now, double? peerComplaintsPerYear = null)
    {
        var lifecycle = LifecycleEvaluator.Evaluate(h.State, now, 0.9, new LifecycleOptions());
        var needs = NeedProfile.Of(h.State, now, new NeedOptions(), null);
        var value = new ValueView(0.9, 1000m, 1200m, "B", 0.7) { PeerComplaintsPerYear = peerComplaintsPerYear };
        return DecisionEngine.Decide(h.State, value, lifecycle, needs, new DecisionContext(Channel.Phone, null, now), Policy.Default).Treatment;
    }

    private static IEnumerable<string> Rules(Treatment t) => t.Reasons.Select(r => r.Rule);

    /// <summary>A customer since <see cref="T0"/> whose complaints, a month apart, each ended in compensation.</summary>
    private static History CompensatedEveryMonth(int complaints, DateTimeOffset from)
    {
        var h = new History().Purchase(T0.AddDays(-400));
        for (var i = 0; i < complaints; i++)
        {
            var opened = from.AddDays(30 * i);
            h.ComplaintOpened(opened, $"k-{i}", ComplaintSeverity.High).ComplaintResolved(opened.AddDays(2), $"k-{i}", satisfied: true, compensated: true);
        }
        return h;
    }

    [Fact]
    public void A_caller_noted_secretly_pleased_with_an_open_complaint_is_met_firmly_and_the_supervisor_informed()
    {
        var h = new History().Purchase(T0)
            .ComplaintOpened(T0.AddDays(3), "k-1", ComplaintSeverity.High)
            .Contact(T0.AddDays(3).AddHours(1), Channel.Phone, Emotion.SecretlyPleased);

        var treatment = Treat(h, T0.AddDays(4));

        Assert.Equal(("secretly-pleased-firm-measures", Emotion.SecretlyPleased), (treatment.RecoveryScript, treatment.Emotion));
        Assert.True(treatment.Firm);
        Assert.True(treatment.InformSupervisor);
        // Compensation stays what the complaint rules grant the tier (B: 75), never escalated.
        Assert.Equal((true, 75m), (treatment.CompensationEligible, treatment.CompensationLimit));
        Assert.Contains("no escalation", treatment.Reasons.Single(r => r.Rule == "treatment.firm").Text, StringComparison.Ordinal);
        Assert.Contains("treatment.supervisor", Rules(treatment));
        Assert.Empty(treatment.Patterns);
    }

    [Fact]
    public void Three_complaints_ending_in_compensation_within_a_year_flag_the_pattern_though_nobody_noted_the_mood()
    {
        var h = CompensatedEveryMonth(3, T0);

        var treatment = Treat(h, T0.AddDays(70));

        Assert.Equal(["repeatedCompensation"], treatment.Patterns);
        Assert.Equal("secretly-pleased-firm-measures", treatment.RecoveryScript);
        Assert.Null(treatment.Emotion);
        Assert.True(treatment.Firm);
        Assert.True(treatment.InformSupervisor);
        var reason = treatment.Reasons.Single(r => r.Rule == "treatment.pattern.repeatedCompensation");
        Assert.Contains("3 complaints ended in compensation in the last 365 days", reason.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compensation_older_than_the_window_or_too_few_times_is_no_pattern()
    {
        var twice = Treat(CompensatedEveryMonth(2, T0), T0.AddDays(70));
        var longAgo = Treat(CompensatedEveryMonth(3, T0), T0.AddDays(60 + 2 + 366));

        Assert.Empty(twice.Patterns);
        Assert.False(twice.Firm);
        Assert.Null(twice.RecoveryScript);
        Assert.Empty(longAgo.Patterns);
    }

    [Fact]
    public void A_complaint_rate_far_above_the_populations_is_flagged_once_the_population_is_measured()
    {
        // Known for a year with four complaints: 4 a year, against 0.5 for the population (flagged from 5 times, 2.5).
        var h = new History().Purchase(T0);
        for (var i = 0; i < 4; i++)
        {
            h.ComplaintOpened(T0.AddDays(60 + (60 * i)), $"k-{i}", ComplaintSeverity.Low).ComplaintResolved(T0.AddDays(61 + (60 * i)), $"k-{i}", satisfied: false);
        }
        var now = T0.AddDays(365);

        var flagged = Treat(h, now, peerComplaintsPerYear: 0.5);
        var usual = Treat(h, now, peerComplaintsPerYear: 1);
        var unmeasured = Treat(h, now, peerComplaintsPerYear: null);

        Assert.Equal(["complaintRateAbovePeers"], flagged.Patterns);
        Assert.True(flagged.Firm);
        Assert.Contains("against 0.50 for the customer population", flagged.Reasons.Single(r => r.Rule == "treatment.pattern.complaintRate").Text, StringComparison.Ordinal);
        Assert.Empty(usual.Patterns);
        Assert.Empty(unmeasured.Patterns);
    }

    [Fact]
    public void A_flagged_customer_noted_angry_keeps_the_angry_script_but_is_met_firmly()
    {
        var h = CompensatedEveryMonth(3, T0).Contact(T0.AddDays(69), Channel.Phone, Emotion.Angry);

        var treatment = Treat(h, T0.AddDays(70));

        Assert.Equal("angry-customer-recovery", treatment.RecoveryScript);
        Assert.True(treatment.Firm);
        Assert.True(treatment.InformSupervisor);
        Assert.Equal(["repeatedCompensation"], treatment.Patterns);
    }

    [Fact]
    public void The_population_measures_its_complaints_per_customer_year()
    {
        var now = T0.AddDays(365.25 * 2);
        var complainer = new History("a").Purchase(T0).ComplaintOpened(T0.AddDays(1), "k-1").ComplaintOpened(T0.AddDays(2), "k-2");
        var quiet = new History("b").Purchase(T0);

        var population = PopulationStatistics.Compute(
            [CustomerValueInputs.Of(complainer.State), CustomerValueInputs.Of(quiet.State)], now, ScoringModel.Default(new ValueModelOptions()).Model);

        // Two complaints over four customer-years.
        Approx.Relative(0.5, population.ComplaintsPerYear!.Value, 1e-9, "complaints per customer-year");
    }
}
