namespace CustomerGrains.Domain.Value;

/// <summary>
/// Fitted population parameters and validated options, with everything that does not depend on the customer
/// precomputed once: the evaluation times (CLV month boundaries m·w, m = 1..M, w = 365.25/12/7 weeks, merged with the
/// expected-purchases horizon), the monthly discount factors (1 + annual rate)^(-m/12) and the discounted horizon.
/// Immutable and safe to share between threads.
/// </summary>
public sealed class ValueModel
{
    /// <summary>Length of a month in weeks: 365.25 / 12 / 7.</summary>
    public const double WeeksPerMonth = 365.25 / 12 / 7;

    private readonly double[] _evaluationWeeks;
    private readonly double[] _discountFactors;

    /// <summary>Repeat counts x below this have their expected-purchases curve constants (gamma-function ratios) cached.</summary>
    private const int CachedRepeatCounts = 256;

    private readonly Hypergeometric.TransformConstants?[] _curveConstants;

    /// <summary>Creates the model on BG/NBD.</summary>
    /// <exception cref="ArgumentException">The options are invalid (all failures are listed), or q ≤ 1.</exception>
    public ValueModel(BgNbdParameters bgNbd, GammaGammaParameters gammaGamma, ValueModelOptions options)
        : this((IRepeatPurchaseModel)bgNbd, gammaGamma, options)
    {
    }

    /// <summary>Creates the model on a repeat-purchase model (BG/NBD or Pareto/NBD).</summary>
    /// <exception cref="ArgumentException">The options are invalid (all failures are listed), or q ≤ 1.</exception>
    public ValueModel(IRepeatPurchaseModel purchases, GammaGammaParameters gammaGamma, ValueModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(purchases);
        ArgumentNullException.ThrowIfNull(gammaGamma);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<OptionError> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                "Invalid value-model options: " + string.Join("; ", errors.Select(e => $"{e.Name} {e.Reason}")), nameof(options));
        }

        GammaGamma.RequireFiniteMean(gammaGamma);
        PurchaseModel = purchases;
        GammaGammaParameters = gammaGamma;
        Options = options;
        PopulationMeanSpend = GammaGamma.PopulationMeanSpend(gammaGamma);

        int months = options.ClvHorizonMonths;
        _discountFactors = new double[months];
        _evaluationWeeks = new double[months + 1];
        HorizonIndex = -1;
        double monthlyGrowth = Math.Pow(1 + options.AnnualDiscountRate, 1.0 / 12);
        double discount = 1;
        double discountSum = 0;
        int j = 0;
        for (int m = 1; m <= months; m++)
        {
            double weeks = m * WeeksPerMonth;
            if (HorizonIndex < 0 && options.HorizonWeeks <= weeks)
            {
                HorizonIndex = j;
                _evaluationWeeks[j++] = options.HorizonWeeks;
            }

            _evaluationWeeks[j++] = weeks;
            discount /= monthlyGrowth;
            _discountFactors[m - 1] = discount;
            discountSum += discount;
        }

        if (HorizonIndex < 0)
        {
            HorizonIndex = months;
            _evaluationWeeks[months] = options.HorizonWeeks;
        }

        DiscountedHorizonWeeks = WeeksPerMonth * discountSum;

        _curveConstants = new Hypergeometric.TransformConstants?[CachedRepeatCounts];
        if (purchases is BgNbdParameters bgNbd)
        {
            for (int x = 0; x < CachedRepeatCounts; x++)
            {
                _curveConstants[x] = BgNbd.CurveConstants(bgNbd.R + x, bgNbd.A, bgNbd.B + x);
            }
        }
    }

    /// <summary>The repeat-purchase model P(alive) and the expected purchases come from: BG/NBD or Pareto/NBD (weeks).</summary>
    public IRepeatPurchaseModel PurchaseModel { get; }

    /// <summary>Gamma-Gamma parameters (q &gt; 1).</summary>
    public GammaGammaParameters GammaGammaParameters { get; }

    /// <summary>The validated options.</summary>
    public ValueModelOptions Options { get; }

    /// <summary>p·γ/(q - 1), the expected spend per purchase of a customer with no repeat purchase yet.</summary>
    public double PopulationMeanSpend { get; }

    /// <summary>Σ_{m=1..M} w·(1 + i)^(-m): weeks of the CLV horizon, each month discounted (w weeks per month).</summary>
    public double DiscountedHorizonWeeks { get; }

    /// <summary>Ascending evaluation times in weeks: the M month boundaries and the expected-purchases horizon.</summary>
    internal ReadOnlySpan<double> EvaluationWeeks => _evaluationWeeks;

    /// <summary>Index of the expected-purchases horizon in <see cref="EvaluationWeeks"/>.</summary>
    internal int HorizonIndex { get; }

    /// <summary>(1 + i)^(-m) for months m = 1..M (index m - 1).</summary>
    internal ReadOnlySpan<double> DiscountFactors => _discountFactors;

    /// <summary>The cached 1 - z transformation constants of the BG/NBD conditional curve for x repeat purchases, if any.</summary>
    internal Hypergeometric.TransformConstants? CurveConstants(int x) => x < CachedRepeatCounts ? _curveConstants[x] : null;
}
