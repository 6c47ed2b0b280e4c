namespace CustomerGrains.Domain.Value;

/// <summary>
/// Computes a customer's live value score as of a given moment. Pure, allocation-free and thread-safe.
/// </summary>
/// <remarks>
/// <para>Time: the inputs hold timestamps; T = (now - first purchase) and t_x = (last repeat purchase - first purchase)
/// are converted to weeks (days / 7), the BG/NBD time unit. A "now" earlier than the last repeat
/// purchase is treated as that moment (T = t_x).</para>
/// <para>Expected purchases E(t) = E[Y(t) | x, t_x, T] of the value model's repeat-purchase model (BG/NBD, or Pareto/NBD
/// when the stored model version chose it) are evaluated at the month boundaries t_m = m·w, w = 365.25/12/7 weeks, and at
/// the reported horizon (for BG/NBD in one batch sharing the ₂F₁ recurrence); P(alive) comes from the same model.</para>
/// <para>CLV = margin · E[M] · Σ_{m=1..M} (E(t_m) - E(t_{m-1})) / (1 + i)^m, with E[M] the Gamma-Gamma expected net
/// spend per purchase given the repeat purchases' mean net spend (clamped at 0), and i = (1 + annual rate)^(1/12) - 1.</para>
/// <para>Expected cost-to-serve = c · Σ_{m=1..M} w / (1 + i)^m, where c = (call minutes · cost per minute + complaints ·
/// cost per complaint + returns · cost per return) / max(τ, 1) is the observed service cost per week over the
/// observation window τ (weeks from the first interaction, or the first purchase, to now; at least one week so a
/// brand-new customer's first call is not extrapolated from a few hours). Net value = CLV - expected cost-to-serve.</para>
/// <para>A prospect (no purchase yet) has P(alive) = 0, no expected purchases and CLV = 0 (the BG/NBD starts at the first
/// purchase); expected spend is the population mean p·γ/(q-1); cost-to-serve still counts, so a prospect who calls a lot
/// has a negative net value. Recency of a customer without purchases scores 1.</para>
/// </remarks>
public static class ValueScorer
{
    private const double DaysPerWeek = 7;

    /// <summary>Scores one customer as of <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">Inconsistent inputs (negative counts, x &gt; 0 without a last repeat purchase, or a
    /// repeat purchase before the first purchase).</exception>
    public static ValueScore Compute(
        in ValueInputs inputs, DateTimeOffset now, ValueModel model, RfmCutPoints rfmCutPoints, TierThresholds tierThresholds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rfmCutPoints);
        ArgumentNullException.ThrowIfNull(tierThresholds);
        CheckCounts(inputs);

        double pAlive = 0;
        double expectedPurchases = 0;
        double expectedSpend = model.PopulationMeanSpend;
        double clv = 0;
        double discounted = 0;
        if (inputs.FirstPurchaseAt is { } firstPurchase)
        {
            (pAlive, expectedPurchases, discounted) = ExpectedPurchases(inputs, firstPurchase, now, model);
            expectedSpend = ExpectedSpend(inputs, model.GammaGammaParameters);
            clv = model.Options.Margin * expectedSpend * discounted;
        }

        double costToServe = ExpectedCostToServe(inputs, now, model);
        double netValue = clv - costToServe;
        double recencyDays = inputs.LastPurchaseAt is { } last ? (now - last).TotalDays : double.PositiveInfinity;
        RfmScore rfm = rfmCutPoints.Score(recencyDays, inputs.TotalPurchaseCount, inputs.TotalNetSpend);
        return new ValueScore(
            pAlive, expectedPurchases, expectedSpend, clv, costToServe, netValue, rfm, tierThresholds.TierOf(netValue))
        {
            DiscountedPurchases = discounted,
        };
    }

    /// <summary>
    /// P(alive) alone as of <paramref name="now"/>, as <see cref="Compute"/> reports it, without the expected-purchases
    /// curve: what the lifecycle needs after every event. 0 for a prospect.
    /// </summary>
    public static double PAlive(in ValueInputs inputs, DateTimeOffset now, ValueModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckCounts(inputs);
        return inputs.FirstPurchaseAt is { } firstPurchase ? Clock(inputs, firstPurchase, now, model).PAlive : 0;
    }

    /// <summary>T in weeks (never before t_x), and P(alive) as of it.</summary>
    private static (double T, double PAlive) Clock(in ValueInputs inputs, DateTimeOffset firstPurchase, DateTimeOffset now, ValueModel model)
    {
        int x = inputs.RepeatPurchaseCount;
        double tx = 0;
        if (x > 0)
        {
            DateTimeOffset lastRepeat = inputs.LastRepeatPurchaseAt
                ?? throw new ArgumentException("A customer with repeat purchases needs LastRepeatPurchaseAt.", nameof(inputs));
            tx = (lastRepeat - firstPurchase).TotalDays / DaysPerWeek;
            if (tx < 0)
            {
                throw new ArgumentException("The last repeat purchase precedes the first purchase.", nameof(inputs));
            }
        }

        double T = Math.Max((now - firstPurchase).TotalDays / DaysPerWeek, tx);
        double pAlive = model.PurchaseModel switch
        {
            BgNbdParameters p => BgNbd.ProbabilityAliveCore(p.R, p.Alpha, p.A, p.B, x, tx, T),
            ParetoNbdParameters p => ParetoNbd.ProbabilityAliveCore(p.R, p.Alpha, p.S, p.Beta, x, tx, T),
            var other => other.ProbabilityAlive(x, tx, T),
        };
        return (T, pAlive);
    }

    /// <summary>P(alive), E[Y(horizon)] and Σ_m (E(t_m) - E(t_{m-1})) (1 + i)^(-m).</summary>
    internal static (double PAlive, double AtHorizon, double Discounted) ExpectedPurchases(
        in ValueInputs inputs, DateTimeOffset firstPurchase, DateTimeOffset now, ValueModel model)
    {
        int x = inputs.RepeatPurchaseCount;
        (double T, double pAlive) = Clock(inputs, firstPurchase, now, model);

        ReadOnlySpan<double> weeks = model.EvaluationWeeks;
        Span<double> curve = weeks.Length <= Hypergeometric.StackLimit ? stackalloc double[weeks.Length] : new double[weeks.Length];
        AliveCurve(model, x, T, weeks, curve);

        ReadOnlySpan<double> discountFactors = model.DiscountFactors;
        int horizon = model.HorizonIndex;
        double discounted = 0;
        double previous = 0;
        int month = 0;
        for (int j = 0; j < curve.Length; j++)
        {
            if (j != horizon)
            {
                discounted += (curve[j] - previous) * discountFactors[month++];
                previous = curve[j];
            }
        }

        return (pAlive, pAlive * curve[horizon], pAlive * discounted);
    }

    /// <summary>The expected purchases at each of <paramref name="weeks"/> of a customer alive now (x repeat purchases, age T).</summary>
    private static void AliveCurve(ValueModel model, int x, double T, ReadOnlySpan<double> weeks, Span<double> curve)
    {
        switch (model.PurchaseModel)
        {
            case BgNbdParameters p:
                BgNbd.ExpectedPurchasesCurve(p.R + x, p.Alpha + T, p.A, p.B + x, weeks, curve, model.CurveConstants(x));
                break;
            case ParetoNbdParameters p:
                for (int j = 0; j < weeks.Length; j++)
                {
                    curve[j] = ParetoNbd.AliveExpectation(p.R + x, p.Alpha + T, p.S, p.Beta + T, weeks[j]);
                }

                break;
            default:
                throw new NotSupportedException($"No expected-purchases curve for {model.PurchaseModel.Kind}.");
        }
    }

    private static double ExpectedSpend(in ValueInputs inputs, GammaGammaParameters g)
    {
        int count = inputs.RepeatSpendCount;
        double zbar = count > 0 ? Math.Max(inputs.RepeatNetSpendSum / count, 0) : 0;
        return GammaGamma.ConditionalExpectedSpendCore(g.P, g.Q, g.Gamma, count, zbar);
    }

    /// <summary>What serving the customer has cost so far: call minutes, complaints and returns at their costs.</summary>
    public static double ServiceCostToDate(in ValueInputs inputs, ValueModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (inputs.CallMinutes * options.CostPerCallMinute)
            + (inputs.ComplaintCount * options.CostPerComplaint)
            + (inputs.ReturnCount * options.CostPerReturn);
    }

    private static double ExpectedCostToServe(in ValueInputs inputs, DateTimeOffset now, ValueModel model)
    {
        double observed = ServiceCostToDate(inputs, model.Options);
        if (observed == 0)
        {
            return 0;
        }

        DateTimeOffset? start = inputs.FirstSeenAt is { } seen && (inputs.FirstPurchaseAt is not { } bought || seen < bought)
            ? seen
            : inputs.FirstPurchaseAt;
        double windowWeeks = start is { } from ? (now - from).TotalDays / DaysPerWeek : 0;
        return observed / Math.Max(windowWeeks, 1) * model.DiscountedHorizonWeeks;
    }

    private static void CheckCounts(in ValueInputs inputs)
    {
        if (inputs.RepeatPurchaseCount < 0 || inputs.RepeatSpendCount < 0 || inputs.ComplaintCount < 0
            || inputs.ReturnCount < 0 || inputs.TotalPurchaseCount < 0 || !(inputs.CallMinutes >= 0))
        {
            throw new ArgumentException("Counts and call minutes must not be negative.", nameof(inputs));
        }
    }
}
