using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class ValueScorerTests
{
    internal static readonly DateTimeOffset Now = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly ValueModel Model = new(
        new BgNbdParameters(0.242593, 4.413532, 0.792886, 2.425752),
        new GammaGammaParameters(6.24983547654959, 3.7441106896737, 15.4423198312514),
        new ValueModelOptions());

    private static readonly RfmCutPoints Rfm = new(new(14, 30, 60, 120), new(1, 2, 4, 8), new(50, 100, 250, 500));

    private static readonly TierThresholds Tiers = new(TopThreshold: 60, MiddleThreshold: 15);

    /// <summary>A buyer as of <see cref="Now"/>: x repeat purchases of the same net value, the first and the last repeat so many days ago.</summary>
    internal static ValueInputs Customer(int repeats, int firstDaysAgo, int lastRepeatDaysAgo, double netPerRepeat) => new()
    {
        FirstPurchaseAt = Now.AddDays(-firstDaysAgo),
        RepeatPurchaseCount = repeats,
        LastRepeatPurchaseAt = repeats > 0 ? Now.AddDays(-lastRepeatDaysAgo) : null,
        RepeatSpendCount = repeats,
        RepeatNetSpendSum = repeats * netPerRepeat,
        LastPurchaseAt = Now.AddDays(-(repeats > 0 ? lastRepeatDaysAgo : firstDaysAgo)),
        TotalPurchaseCount = repeats + 1,
        TotalNetSpend = (repeats + 1) * netPerRepeat,
    };

    [Fact]
    public void The_score_agrees_with_the_BG_NBD_and_Gamma_Gamma_formulas_in_weeks()
    {
        ValueInputs inputs = Customer(repeats: 2, firstDaysAgo: 272, lastRepeatDaysAgo: 59, netPerRepeat: 22.35);

        ValueScore score = ValueScorer.Compute(inputs, Now, Model, Rfm, Tiers);

        (double x, double tx, double t) = (2, 213 / 7.0, 272 / 7.0);
        Approx.Relative(BgNbd.ProbabilityAlive(((BgNbdParameters)Model.PurchaseModel), 2, tx, t), score.PAlive, 1e-12, "P(alive)");
        Approx.Relative(BgNbd.ConditionalExpectedPurchases(((BgNbdParameters)Model.PurchaseModel), 52, 2, tx, t), score.ExpectedPurchases, 1e-10, "E[Y(52)]");
        Approx.Relative(GammaGamma.ConditionalExpectedSpend(Model.GammaGammaParameters, (int)x, 22.35), score.ExpectedSpend, 1e-12, "E[M]");
    }

    [Fact]
    public void A_model_on_Pareto_NBD_scores_P_alive_expected_purchases_and_CLV_from_Pareto_NBD()
    {
        var pareto = new ParetoNbdParameters(0.55315, 10.57633, 0.60625, 11.67150);
        var model = new ValueModel(pareto, Model.GammaGammaParameters, new ValueModelOptions());
        ValueInputs inputs = Customer(repeats: 2, firstDaysAgo: 272, lastRepeatDaysAgo: 59, netPerRepeat: 22.35);

        ValueScore score = ValueScorer.Compute(inputs, Now, model, Rfm, Tiers);
        ValueScore bgNbd = ValueScorer.Compute(inputs, Now, Model, Rfm, Tiers);

        (double tx, double t) = (213 / 7.0, 272 / 7.0);
        Approx.Relative(pareto.ProbabilityAlive(2, tx, t), score.PAlive, 1e-12, "P(alive)");
        Approx.Relative(pareto.ProbabilityAlive(2, tx, t), ValueScorer.PAlive(inputs, Now, model), 1e-12, "P(alive) alone");
        Approx.Relative(pareto.ConditionalExpectedPurchases(52, 2, tx, t), score.ExpectedPurchases, 1e-10, "E[Y(52)]");
        Assert.NotEqual(bgNbd.PAlive, score.PAlive);
        // CLV discounts month by month: below the undiscounted margin · E[M] · E[Y(36 months)], and above the same at 10 %/year for 3 years.
        double undiscounted = 0.3 * score.ExpectedSpend * pareto.ConditionalExpectedPurchases(36 * ValueModel.WeeksPerMonth, 2, tx, t);
        Assert.InRange(score.Clv, undiscounted / Math.Pow(1.1, 3), undiscounted);
        Assert.Empty(ModelCheck.Problems(model));
    }

    [Theory]
    [InlineData(0, 40, 40, 10.0)]    // one purchase only
    [InlineData(2, 272, 59, 22.35)]
    [InlineData(12, 700, 400, 15.0)] // a long silence after a busy year
    public void P_alive_alone_is_the_score_s_P_alive(int repeats, int firstDaysAgo, int lastRepeatDaysAgo, double netPerRepeat)
    {
        ValueInputs inputs = Customer(repeats, firstDaysAgo, lastRepeatDaysAgo, netPerRepeat);

        foreach (var at in new[] { Now, Now.AddDays(90), Now.AddDays(400) })
        {
            Assert.Equal(ValueScorer.Compute(inputs, at, Model, Rfm, Tiers).PAlive, ValueScorer.PAlive(inputs, at, Model));
        }
    }

    [Fact]
    public void A_prospect_has_no_P_alive_and_bad_inputs_are_refused_alike()
    {
        Assert.Equal(0, ValueScorer.PAlive(new ValueInputs { CallMinutes = 12 }, Now, Model));
        ValueInputs broken = Customer(repeats: 2, firstDaysAgo: 10, lastRepeatDaysAgo: 30, netPerRepeat: 5);
        Assert.Throws<ArgumentException>(() => ValueScorer.PAlive(broken, Now, Model));
        Assert.Throws<ArgumentException>(() => ValueScorer.Compute(broken, Now, Model, Rfm, Tiers));
    }

    [Fact]
    public void CLV_is_the_discounted_margin_on_monthly_expected_purchases()
    {
        ValueInputs inputs = Customer(repeats: 5, firstDaysAgo: 300, lastRepeatDaysAgo: 20, netPerRepeat: 40);
        BgNbdParameters p = ((BgNbdParameters)Model.PurchaseModel);
        (double tx, double t) = (280 / 7.0, 300 / 7.0);
        double monthlyRate = Math.Pow(1.10, 1.0 / 12) - 1;
        double discounted = 0;
        for (int m = 1; m <= 36; m++)
        {
            double purchasesInMonth = BgNbd.ConditionalExpectedPurchases(p, m * ValueModel.WeeksPerMonth, 5, tx, t)
                - BgNbd.ConditionalExpectedPurchases(p, (m - 1) * ValueModel.WeeksPerMonth, 5, tx, t);
            discounted += purchasesInMonth / Math.Pow(1 + monthlyRate, m);
        }

        ValueScore score = ValueScorer.Compute(inputs, Now, Model, Rfm, Tiers);

        Approx.Relative(0.3 * score.ExpectedSpend * discounted, score.Clv, 1e-10, "CLV");
    }

    [Fact]
    public void CLV_and_P_alive_decay_while_a_customer_does_not_buy()
    {
        ValueInputs inputs = Customer(repeats: 4, firstDaysAgo: 200, lastRepeatDaysAgo: 10, netPerRepeat: 50);
        double previousClv = double.PositiveInfinity;
        double previousAlive = double.PositiveInfinity;

        foreach (int weeksLater in new[] { 0, 4, 12, 26, 52, 104 })
        {
            ValueScore score = ValueScorer.Compute(inputs, Now.AddDays(7 * weeksLater), Model, Rfm, Tiers);

            Assert.True(score.Clv < previousClv, $"CLV {weeksLater} weeks later ({score.Clv}) should be below {previousClv}");
            Assert.True(score.PAlive < previousAlive, $"P(alive) {weeksLater} weeks later ({score.PAlive}) should be below {previousAlive}");
            previousClv = score.Clv;
            previousAlive = score.PAlive;
        }
    }

    [Fact]
    public void A_loyal_renter_ranks_below_a_quiet_profitable_customer()
    {
        // Buys 20 expensive outfits over half a year, returns most of their value, and calls about every return.
        ValueInputs renter = Customer(repeats: 20, firstDaysAgo: 180, lastRepeatDaysAgo: 5, netPerRepeat: 30) with
        {
            ReturnCount = 16,
            CallMinutes = 320,
            ComplaintCount = 2,
            TotalNetSpend = 21 * 30,
        };
        // Five kept purchases of modest value, never calls.
        ValueInputs quiet = Customer(repeats: 5, firstDaysAgo: 180, lastRepeatDaysAgo: 20, netPerRepeat: 60);

        ValueScore renterScore = ValueScorer.Compute(renter, Now, Model, Rfm, Tiers);
        ValueScore quietScore = ValueScorer.Compute(quiet, Now, Model, Rfm, Tiers);

        Assert.True(renterScore.ExpectedPurchases > quietScore.ExpectedPurchases, "the renter buys more often");
        Assert.True(renterScore.NetValue < quietScore.NetValue, $"renter {renterScore.NetValue} vs quiet {quietScore.NetValue}");
        Assert.True(renterScore.Tier > quietScore.Tier, $"renter tier {renterScore.Tier} vs quiet tier {quietScore.Tier}");
    }

    [Fact]
    public void A_prospect_has_no_lifetime_value_but_pays_for_their_calls()
    {
        var prospect = new ValueInputs { FirstSeenAt = Now.AddDays(-70), CallMinutes = 40 };

        ValueScore score = ValueScorer.Compute(prospect, Now, Model, Rfm, Tiers);

        Assert.Equal(0, score.PAlive);
        Assert.Equal(0, score.ExpectedPurchases);
        Assert.Equal(0, score.Clv);
        Approx.Relative(40 * 0.5 / 10 * Model.DiscountedHorizonWeeks, score.CostToServe, 1e-12, "cost-to-serve");
        Assert.Equal(-score.CostToServe, score.NetValue);
        Assert.Equal(Tier.D, score.Tier);
        Assert.Equal("111", score.Rfm.ToString());
    }

    [Fact]
    public void A_customer_who_returned_everything_expects_little_spend()
    {
        ValueInputs keeps = Customer(repeats: 6, firstDaysAgo: 200, lastRepeatDaysAgo: 10, netPerRepeat: 80);
        ValueInputs returnsAll = keeps with { RepeatNetSpendSum = 0 };

        double kept = ValueScorer.Compute(keeps, Now, Model, Rfm, Tiers).ExpectedSpend;
        double returned = ValueScorer.Compute(returnsAll, Now, Model, Rfm, Tiers).ExpectedSpend;

        Assert.True(returned < kept / 4, $"expected spend after returning everything {returned} vs keeping {kept}");
    }
}
