using System.Globalization;

namespace CustomerGrains.Domain.Value;

/// <summary>Which repeat-purchase model the live engine should use: one by name, or the better on the hold-out.</summary>
public enum RepeatPurchaseModelChoice
{
    /// <summary>BG/NBD (the default).</summary>
    BgNbd,

    /// <summary>Pareto/NBD.</summary>
    ParetoNbd,

    /// <summary>The model with the lower hold-out error (needs a hold-out period).</summary>
    Auto,
}

/// <summary>One fitted candidate: its parameters, calibration log-likelihood and, with a hold-out period, its comparison.</summary>
/// <param name="Kind">Which model.</param>
/// <param name="Parameters">The parameters as one line.</param>
/// <param name="LogLikelihood">The log-likelihood of the calibration period at the parameters.</param>
/// <param name="Holdout">Errors on the hold-out period, if there was one.</param>
public sealed record CandidateEvidence(RepeatPurchaseModelKind Kind, string Parameters, double LogLikelihood, HoldoutErrors? Holdout);

/// <summary>A candidate's hold-out errors (see <see cref="HoldoutComparison"/>).</summary>
public sealed record HoldoutErrors(int TotalActual, double TotalPredicted, double GroupMeanAbsoluteError, double CustomerMeanAbsoluteError)
{
    /// <summary>The errors of a comparison.</summary>
    public static HoldoutErrors Of(HoldoutComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return new(comparison.TotalActual, comparison.TotalPredicted, comparison.GroupMeanAbsoluteError, comparison.CustomerMeanAbsoluteError);
    }
}

/// <summary>
/// Why a model version uses the repeat-purchase model it does: what was asked for, what was chosen and why, the periods,
/// and every candidate's likelihood and hold-out errors. Stored with the model version.
/// </summary>
public sealed record ModelEvidence(
    RepeatPurchaseModelChoice Requested,
    RepeatPurchaseModelKind Chosen,
    string Reason,
    DateOnly? CalibrationEnd,
    DateOnly? HoldoutEnd,
    IReadOnlyList<CandidateEvidence> Candidates);

/// <summary>Chooses the live repeat-purchase model among fitted candidates.</summary>
public static class ModelSelection
{
    /// <summary>
    /// BgNbd or ParetoNbd: that model. Auto: the candidate with the lower hold-out group mean absolute error (mean over
    /// x = 0..7+ of |mean predicted - mean actual|); on a tie, the higher calibration log-likelihood.
    /// </summary>
    /// <exception cref="ArgumentException">The requested model is not among the candidates, or Auto without hold-out errors.</exception>
    public static ModelEvidence Choose(
        RepeatPurchaseModelChoice requested, IReadOnlyList<CandidateEvidence> candidates, DateOnly? calibrationEnd, DateOnly? holdoutEnd)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (requested != RepeatPurchaseModelChoice.Auto)
        {
            var kind = requested == RepeatPurchaseModelChoice.ParetoNbd ? RepeatPurchaseModelKind.ParetoNbd : RepeatPurchaseModelKind.BgNbd;
            if (candidates.All(c => c.Kind != kind))
            {
                throw new ArgumentException($"{kind} was not fitted.", nameof(candidates));
            }

            return new ModelEvidence(requested, kind, $"{Name(kind)} was asked for.", calibrationEnd, holdoutEnd, candidates);
        }

        if (candidates.Count == 0 || candidates.Any(c => c.Holdout is null))
        {
            throw new ArgumentException("Choosing the model automatically needs a hold-out period (--holdout-end).", nameof(candidates));
        }

        CandidateEvidence best = candidates
            .OrderBy(c => c.Holdout!.GroupMeanAbsoluteError)
            .ThenByDescending(c => c.LogLikelihood)
            .First();
        string others = string.Join(", ", candidates.Where(c => c != best).Select(c =>
            string.Create(CultureInfo.InvariantCulture, $"{Name(c.Kind)} {c.Holdout!.GroupMeanAbsoluteError:0.0000}")));
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"{Name(best.Kind)} has the lower hold-out mean absolute error per group: {best.Holdout!.GroupMeanAbsoluteError:0.0000} against {others}.");
        return new ModelEvidence(requested, best.Kind, reason, calibrationEnd, holdoutEnd, candidates);
    }

    /// <summary>"BG/NBD" or "Pareto/NBD".</summary>
    public static string Name(RepeatPurchaseModelKind kind) => kind == RepeatPurchaseModelKind.ParetoNbd ? "Pareto/NBD" : "BG/NBD";
}
