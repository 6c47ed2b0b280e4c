namespace CustomerGrains.Domain.Value;

/// <summary>
/// Whether a fitted model can be used to score customers. Maximum likelihood on a base that shows no
/// drop-out (or no spend variation) runs parameters off to the boundary (a, b or q, gamma towards
/// infinity): the optimiser "converges", but the model is not identified and cannot be evaluated.
/// Such a model must not reach the silos.
/// </summary>
public static class ModelCheck
{
    private const double Smallest = 1e-6;
    private const double Largest = 1e6;

    /// <summary>Every problem found; empty when the model is usable.</summary>
    public static IReadOnlyList<string> Problems(ValueModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<string>();
        var g = model.GammaGammaParameters;
        // The purchase-rate gamma (r, alpha) and the drop-out mixing distribution: beta (a, b) or gamma (s, beta).
        (string name, double r, double alpha, string dropName1, double x1, string dropName2, double x2) = model.PurchaseModel switch
        {
            BgNbdParameters b => ("BG/NBD", b.R, b.Alpha, "a", b.A, "b", b.B),
            ParetoNbdParameters p => ("Pareto/NBD", p.R, p.Alpha, "s", p.S, "beta", p.Beta),
            var other => throw new NotSupportedException($"No bounds for {other.Kind}."),
        };
        const string NoDropOut = "the customers show no sign of dropping out: fit again when the base has more history";
        Bound(problems, $"{name} r", r);
        Bound(problems, $"{name} alpha", alpha);
        Bound(problems, $"{name} {dropName1}", x1, NoDropOut);
        Bound(problems, $"{name} {dropName2}", x2, NoDropOut);
        Bound(problems, "Gamma-Gamma p", g.P);
        Bound(problems, "Gamma-Gamma q", g.Q, "spend hardly varies between customers: the spend model is not identified");
        Bound(problems, "Gamma-Gamma gamma", g.Gamma, "spend hardly varies between customers: the spend model is not identified");
        if (problems.Count > 0)
        {
            return problems;
        }

        // Score a grid of typical and extreme customers; any failure or non-finite figure rejects the model.
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var noRfm = new RfmCutPoints(default, default, default);
        foreach (var ageWeeks in (ReadOnlySpan<double>)[0.5, 13, 52, 260])
        {
            foreach (var repeats in (ReadOnlySpan<int>)[0, 1, 4, 30, 200])
            {
                var first = now.AddDays(-ageWeeks * 7);
                var inputs = new ValueInputs
                {
                    FirstSeenAt = first,
                    FirstPurchaseAt = first,
                    RepeatPurchaseCount = repeats,
                    RepeatSpendCount = repeats,
                    RepeatNetSpendSum = repeats * 40.0,
                    LastRepeatPurchaseAt = repeats > 0 ? first.AddDays(ageWeeks * 7 * 0.6) : null,
                    LastPurchaseAt = repeats > 0 ? first.AddDays(ageWeeks * 7 * 0.6) : first,
                    TotalPurchaseCount = repeats + 1,
                    TotalNetSpend = (repeats + 1) * 40.0,
                    CallMinutes = 10,
                };
                try
                {
                    var score = ValueScorer.Compute(inputs, now, model, noRfm, TierThresholds.Uncalibrated);
                    if (!double.IsFinite(score.PAlive) || !double.IsFinite(score.Clv) || !double.IsFinite(score.ExpectedPurchases))
                    {
                        problems.Add($"a customer {ageWeeks} weeks old with {repeats} repeat purchases scores a non-finite value");
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ArithmeticException)
                {
                    problems.Add($"a customer {ageWeeks} weeks old with {repeats} repeat purchases cannot be scored: {ex.Message}");
                }
            }
        }
        return problems;
    }

    private static void Bound(List<string> problems, string name, double value, string? meaning = null)
    {
        if (!(value >= Smallest && value <= Largest))
        {
            problems.Add($"{name} = {value:G4} lies at the edge of the parameter space" + (meaning is null ? "" : $" ({meaning})"));
        }
    }
}
