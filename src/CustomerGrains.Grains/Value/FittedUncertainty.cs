using CustomerGrains.Domain.Value;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// The parameter uncertainty <c>fit</c> measured for each model it fitted (the covariance of the log-parameters from the
/// observed information at the optimum), stored with the model version as one JSON document (sqlite/log-012,
/// postgres/log-010). A model whose information matrix was not positive definite has none.
/// </summary>
public sealed record FittedUncertainty(ParameterUncertainty? BgNbd, ParameterUncertainty? ParetoNbd, ParameterUncertainty? GammaGamma)
{
    /// <summary>The uncertainty of the repeat-purchase model of <paramref name="kind"/>.</summary>
    public ParameterUncertainty? Of(RepeatPurchaseModelKind kind) => kind == RepeatPurchaseModelKind.ParetoNbd ? ParetoNbd : BgNbd;

    /// <summary>
    /// The intervals of <paramref name="model"/>'s figures (<see cref="ValueConfidence.DefaultLevel"/>), when the
    /// uncertainty of both its repeat-purchase and spend models is stored and is of its parameters; null otherwise.
    /// </summary>
    public ValueConfidence? ConfidenceOf(ValueModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Of(model.PurchaseModel.Kind) is not { } purchases || GammaGamma is not { } spend)
        {
            return null;
        }

        var g = model.GammaGammaParameters;
        return purchases.Describes(ValueConfidence.EstimatesOf(model.PurchaseModel)) && spend.Describes([g.P, g.Q, g.Gamma])
            ? new ValueConfidence(model, purchases, spend)
            : null;
    }
}
