namespace CustomerGrains.Domain.Value;

/// <summary>
/// Population parameters of the shifted-beta-geometric (sBG) contract-duration model (Fader &amp; Hardie 2007, "How to
/// project customer retention"): at the end of every period a customer cancels with her own probability θ, and θ is
/// Beta(<see cref="Alpha"/>, <see cref="Beta"/>) across customers. Both are finite and greater than 0.
/// </summary>
public sealed record SbgParameters
{
    /// <summary>Creates validated parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or not greater than 0.</exception>
    public SbgParameters(double alpha, double beta)
    {
        Alpha = ParameterGuard.Positive(alpha, nameof(alpha));
        Beta = ParameterGuard.Positive(beta, nameof(beta));
    }

    public double Alpha { get; }

    public double Beta { get; }
}

/// <summary>
/// Contract durations of one cohort as the sBG likelihood reads them: per period t ≥ 1 how many customers cancelled at the
/// end of period t (their duration is T = t) and how many are still subscribed after t periods (censored: T &gt; t).
/// </summary>
public sealed class SbgObservations
{
    private readonly long[] _cancelled;
    private readonly long[] _survived;

    private SbgObservations(long[] cancelled, long[] survived)
    {
        _cancelled = cancelled;
        _survived = survived;
    }

    /// <summary>Customers who cancelled at the end of period t, index t (index 0 is always 0).</summary>
    public IReadOnlyList<long> Cancelled => _cancelled;

    /// <summary>Customers still subscribed after t periods and not observed further, index t.</summary>
    public IReadOnlyList<long> Survived => _survived;

    /// <summary>All customers of the cohort.</summary>
    public long Customers => _cancelled.Sum() + _survived.Sum();

    /// <summary>
    /// A cohort given as its survivor counts: <paramref name="survivors"/>[0] customers started, [t] were still subscribed
    /// after t periods (Fader &amp; Hardie's Table 1 form); those of the last count are censored.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two counts, a negative count, or a count larger than the one before it.</exception>
    public static SbgObservations FromSurvivors(IReadOnlyList<long> survivors)
    {
        ArgumentNullException.ThrowIfNull(survivors);
        if (survivors.Count < 2)
        {
            throw new ArgumentException("Survivor counts need the starting count and at least one period after it.", nameof(survivors));
        }
        var cancelled = new long[survivors.Count];
        var survived = new long[survivors.Count];
        for (int t = 0; t < survivors.Count; t++)
        {
            if (survivors[t] < 0 || (t > 0 && survivors[t] > survivors[t - 1]))
            {
                throw new ArgumentException(
                    $"Survivor count {t} ({survivors[t]}) must be at least 0 and at most the count before it.", nameof(survivors));
            }
            if (t > 0)
            {
                cancelled[t] = survivors[t - 1] - survivors[t];
            }
        }
        survived[^1] = survivors[^1];
        return new SbgObservations(cancelled, survived);
    }

    /// <summary>
    /// A cohort given customer by customer: the periods each was subscribed and whether she cancelled (the duration is then
    /// known) or still is (censored). A customer still subscribed after 0 periods tells nothing and is ignored.
    /// </summary>
    /// <exception cref="ArgumentException">No customer, a negative duration, or a cancellation after 0 periods.</exception>
    public static SbgObservations FromDurations(IEnumerable<(int Periods, bool Cancelled)> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var list = customers.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A cohort needs at least one customer.", nameof(customers));
        }
        int longest = list.Max(c => c.Periods);
        var cancelled = new long[longest + 1];
        var survived = new long[longest + 1];
        foreach (var (periods, hasCancelled) in list)
        {
            if (periods < 0 || (hasCancelled && periods == 0))
            {
                throw new ArgumentException(
                    $"A duration of {periods} periods{(hasCancelled ? " ending in a cancellation" : "")} is impossible: a cancellation ends period 1 or later.",
                    nameof(customers));
            }
            (hasCancelled ? cancelled : survived)[periods]++;
        }
        return new SbgObservations(cancelled, survived);
    }

    /// <summary>Σ_t cancelled_t · ln P(T = t) + survived_t · ln S(t), by the recursions of <see cref="ShiftedBetaGeometric"/>.</summary>
    public double LogLikelihood(double alpha, double beta)
    {
        double total = 0;
        double churn = alpha / (alpha + beta); // P(T = 1)
        double survival = 1;                   // S(0)
        for (int t = 1; t < _cancelled.Length; t++)
        {
            if (t > 1)
            {
                churn *= (beta + t - 2) / (alpha + beta + t - 1);
            }
            survival -= churn;
            if (_cancelled[t] > 0)
            {
                total += _cancelled[t] * Math.Log(churn);
            }
            if (_survived[t] > 0)
            {
                total += _survived[t] * Math.Log(survival);
            }
        }
        return total;
    }
}

/// <summary>
/// The sBG model's quantities (Fader &amp; Hardie 2007; DERL from Fader &amp; Hardie 2010, "Customer-base valuation in a
/// contractual setting"). Periods are the contract's renewal periods (months for the live engine).
/// </summary>
/// <remarks>
/// <para>P(T = 1) = α/(α+β), P(T = t) = (β+t-2)/(α+β+t-1) · P(T = t-1); S(t) = 1 - Σ_{k≤t} P(T = k) = B(α, β+t)/B(α, β).</para>
/// <para>The retention rate of period t is r_t = S(t)/S(t-1) = (β+t-1)/(α+β+t-1): it rises with t, because the customers
/// with a high cancellation probability leave first.</para>
/// <para>A customer who has renewed n times (she is in period n+1) renews at the end of this period with probability
/// (β+n)/(α+β+n), and her discounted expected residual lifetime, the periods she is expected still to pay after the
/// current one, each discounted by d per period, is DERL = Σ_{k≥0} S(n+1+k)/S(n) · (1+d)^(-k)
/// = (β+n)/(α+β+n) · ₂F₁(1, β+n+1; α+β+n+1; 1/(1+d)); it is summed directly (the terms fall at least as fast as
/// (1+d)^(-k)).</para>
/// </remarks>
public static class ShiftedBetaGeometric
{
    /// <summary>P(T = t): the probability that a new customer cancels at the end of period t (t ≥ 1).</summary>
    public static double ChurnProbability(SbgParameters parameters, int t)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1);
        double p = parameters.Alpha / (parameters.Alpha + parameters.Beta);
        for (int k = 2; k <= t; k++)
        {
            p *= (parameters.Beta + k - 2) / (parameters.Alpha + parameters.Beta + k - 1);
        }
        return p;
    }

    /// <summary>S(t): the share of a new cohort still subscribed after t periods (S(0) = 1).</summary>
    public static double Survival(SbgParameters parameters, int t)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        double s = 1;
        for (int k = 1; k <= t; k++)
        {
            s *= RetentionRate(parameters, k);
        }
        return s;
    }

    /// <summary>r_t = S(t)/S(t-1): the share of those subscribed in period t who renew at its end (t ≥ 1).</summary>
    public static double RetentionRate(SbgParameters parameters, int t)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1);
        return (parameters.Beta + t - 1) / (parameters.Alpha + parameters.Beta + t - 1);
    }

    /// <summary>The probability that a customer who has renewed <paramref name="renewals"/> times renews once more.</summary>
    public static double RenewalProbability(SbgParameters parameters, int renewals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(renewals);
        return RetentionRate(parameters, renewals + 1);
    }

    /// <summary>
    /// The discounted expected residual lifetime, in periods, of a customer who has renewed <paramref name="renewals"/>
    /// times, with the discount rate <paramref name="discountRate"/> per period (see the type remarks).
    /// </summary>
    public static double DiscountedExpectedResidualLifetime(SbgParameters parameters, int renewals, double discountRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(renewals);
        if (!double.IsFinite(discountRate) || discountRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(discountRate), discountRate, "The discount rate per period must be a finite number greater than 0.");
        }
        double discount = 1 / (1 + discountRate);
        double a = parameters.Alpha;
        double b = parameters.Beta + renewals;
        double term = b / (a + b); // S(n+1)/S(n)
        double sum = 0;
        for (int k = 0; k < 1_000_000; k++)
        {
            sum += term;
            term *= (b + k + 1) / (a + b + k + 1) * discount;
            if (term < 1e-15 * sum)
            {
                break;
            }
        }
        return sum;
    }

    /// <summary>Fits (α, β) to one cohort by maximum likelihood (see <see cref="ValueModelFitter"/> for the optimiser).</summary>
    /// <exception cref="ArgumentException">The cohort holds no customer who cancelled and none who stayed.</exception>
    public static FitResult<SbgParameters> Fit(SbgObservations cohort)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        if (cohort.Cancelled.Sum() == 0 || cohort.Survived.Skip(1).Sum() == 0)
        {
            throw new ArgumentException(
                "The sBG needs both customers who cancelled and customers who stayed subscribed for at least one period.", nameof(cohort));
        }
        var (best, logLikelihood, iterations, converged) = ValueModelFitter.Maximise(v => cohort.LogLikelihood(v[0], v[1]), 2);
        return new FitResult<SbgParameters>(new SbgParameters(best[0], best[1]), logLikelihood, iterations, converged);
    }
}
