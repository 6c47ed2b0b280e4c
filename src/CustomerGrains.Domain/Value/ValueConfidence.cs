namespace CustomerGrains.Domain.Value;

/// <summary>
/// A customer's expected purchases and CLV with the intervals (at <see cref="Level"/>) that the fitted parameters'
/// uncertainty gives them.
/// </summary>
/// <param name="Level">The probability each interval holds, e.g. 0.9.</param>
/// <param name="ExpectedPurchases">The interval of the expected purchases over the horizon.</param>
/// <param name="Clv">The interval of the CLV.</param>
public sealed record ValueIntervals(double Level, ValueInterval ExpectedPurchases, ValueInterval Clv);

/// <summary>
/// Turns the uncertainty of a value model's fitted parameters into intervals of each customer's expected purchases and CLV,
/// by the delta method on the logarithm of the figure: for a figure f of the log-parameters θ,
/// Var(ln f) ≈ ∇ln f(θ)ᵀ Σ ∇ln f(θ), and the interval is f·exp(±z·sd(ln f)).
/// </summary>
/// <remarks>
/// <para>
/// Expected purchases depend only on the repeat-purchase model's parameters; CLV = margin · expected spend · discounted
/// expected purchases, so ln CLV is the sum of a Gamma-Gamma term and a repeat-purchase term, and as the two models are
/// fitted separately their covariances add. The Gamma-Gamma gradient is exact: with E[M] = p(γ + x z̄)/(px + q - 1),
/// ∂ln E[M]/∂ln p = (q - 1)/(px + q - 1), ∂ln E[M]/∂ln q = -q/(px + q - 1), ∂ln E[M]/∂ln γ = γ/(γ + x z̄). The
/// repeat-purchase gradient is a forward difference of step <see cref="Step"/> in each log-parameter, from models with the
/// shifted parameters built once per model version: a customer's intervals cost four more evaluations of the expected-purchases curve
/// than the score itself, microseconds, so they are computed with each snapshot rather than stored.
/// </para>
/// <para>
/// Why the delta method and not quantiles over parameter draws: both rest on the same normal approximation of the
/// parameters' distribution, and the delta method needs four evaluations per customer where a hundred draws need a
/// hundred; the unit tests check that the two agree on CDNOW customers. Working on ln f keeps the interval positive and
/// lets it be skewed the way such figures are (the upper side longer).
/// </para>
/// <para>
/// What the interval covers: the uncertainty of the population parameters estimated from a finite customer base, not the
/// randomness of what one customer will buy (a customer expected to buy 2 times may well buy 0 or 5). It narrows as the
/// base grows, and is widest for customers unlike most of those the model was fitted on.
/// </para>
/// </remarks>
public sealed class ValueConfidence
{
    /// <summary>The default probability the intervals hold.</summary>
    public const double DefaultLevel = 0.9;

    /// <summary>The forward-difference step in each log-parameter of the repeat-purchase model.</summary>
    public const double Step = 1e-4;

    /// <summary>The models with one repeat-purchase parameter shifted each, built at first use: a silo that rebuilds past
    /// rules for an explanation does not pay for them unless it computes an interval.</summary>
    private readonly Lazy<ValueModel[]> _shifted;
    private readonly double _z;

    /// <summary>Prepares the intervals of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">An uncertainty is not of the model's parameters, or the level is not in (0, 1).</exception>
    public ValueConfidence(ValueModel model, ParameterUncertainty purchases, ParameterUncertainty spend, double level = DefaultLevel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(purchases);
        ArgumentNullException.ThrowIfNull(spend);
        double[] estimates = EstimatesOf(model.PurchaseModel);
        if (!purchases.Describes(estimates))
        {
            throw new ArgumentException(
                $"The repeat-purchase uncertainty ({purchases.Describe()}) is not of the model's parameters ({model.PurchaseModel.Describe()}).",
                nameof(purchases));
        }

        GammaGammaParameters g = model.GammaGammaParameters;
        if (!spend.Describes([g.P, g.Q, g.Gamma]))
        {
            throw new ArgumentException($"The spend uncertainty ({spend.Describe()}) is not of the Gamma-Gamma parameters.", nameof(spend));
        }

        _z = ParameterUncertainty.ZOf(level);
        Model = model;
        Purchases = purchases;
        Spend = spend;
        Level = level;
        _shifted = new Lazy<ValueModel[]>(() => [.. estimates.Select((_, i) =>
        {
            double[] shifted = (double[])estimates.Clone();
            shifted[i] *= Math.Exp(Step);
            return new ValueModel(WithParameters(model.PurchaseModel, shifted), g, model.Options);
        })]);
    }

    /// <summary>The model whose figures the intervals are of.</summary>
    public ValueModel Model { get; }

    /// <summary>The repeat-purchase model's parameter uncertainty.</summary>
    public ParameterUncertainty Purchases { get; }

    /// <summary>The Gamma-Gamma parameter uncertainty.</summary>
    public ParameterUncertainty Spend { get; }

    /// <summary>The probability each interval holds.</summary>
    public double Level { get; }

    /// <summary>
    /// The intervals of the customer's figures in <paramref name="score"/> (computed by <see cref="ValueScorer.Compute"/> with
    /// <see cref="Model"/> at <paramref name="now"/>). A prospect, or a figure of 0, has the interval [0, 0].
    /// </summary>
    public ValueIntervals Of(in ValueInputs inputs, DateTimeOffset now, in ValueScore score)
    {
        if (inputs.FirstPurchaseAt is not { } firstPurchase || !(score.ExpectedPurchases > 0 || score.Clv > 0))
        {
            return new ValueIntervals(Level, new(score.ExpectedPurchases, score.ExpectedPurchases), new(score.Clv, score.Clv));
        }

        ValueModel[] models = _shifted.Value;
        int n = models.Length;
        Span<double> purchases = stackalloc double[n];
        Span<double> discounted = stackalloc double[n];
        double lnPurchases = Math.Log(score.ExpectedPurchases);
        double lnDiscounted = Math.Log(score.DiscountedPurchases);
        for (int i = 0; i < n; i++)
        {
            (_, double atHorizon, double shiftedDiscounted) = ValueScorer.ExpectedPurchases(inputs, firstPurchase, now, models[i]);
            purchases[i] = (Math.Log(atHorizon) - lnPurchases) / Step;
            discounted[i] = (Math.Log(shiftedDiscounted) - lnDiscounted) / Step;
        }

        GammaGammaParameters g = Model.GammaGammaParameters;
        int x = inputs.RepeatSpendCount;
        double zbar = x > 0 ? Math.Max(inputs.RepeatNetSpendSum / x, 0) : 0;
        double denominator = (g.P * x) + g.Q - 1;
        Span<double> spend = [(g.Q - 1) / denominator, -g.Q / denominator, g.Gamma / (g.Gamma + (x * zbar))];

        return new ValueIntervals(
            Level,
            Around(score.ExpectedPurchases, Purchases.Variance(purchases)),
            Around(score.Clv, Purchases.Variance(discounted) + Spend.Variance(spend)));
    }

    /// <summary>value·exp(±z·sd); the value itself when the variance is not a usable number (a figure that underflows).</summary>
    private ValueInterval Around(double value, double logVariance)
    {
        if (!(value > 0) || !double.IsFinite(logVariance) || logVariance < 0)
        {
            return new ValueInterval(value, value);
        }

        double spread = _z * Math.Sqrt(logVariance);
        return new ValueInterval(value * Math.Exp(-spread), value * Math.Exp(spread));
    }

    /// <summary>The parameters of a repeat-purchase model in the order its uncertainty lists them.</summary>
    public static double[] EstimatesOf(IRepeatPurchaseModel model) => model switch
    {
        BgNbdParameters p => [p.R, p.Alpha, p.A, p.B],
        ParetoNbdParameters p => [p.R, p.Alpha, p.S, p.Beta],
        _ => throw new NotSupportedException($"No parameter uncertainty for {model?.Kind}."),
    };

    private static IRepeatPurchaseModel WithParameters(IRepeatPurchaseModel model, double[] v) => model switch
    {
        BgNbdParameters => new BgNbdParameters(v[0], v[1], v[2], v[3]),
        ParetoNbdParameters => new ParetoNbdParameters(v[0], v[1], v[2], v[3]),
        _ => throw new NotSupportedException($"No parameter uncertainty for {model.Kind}."),
    };
}
