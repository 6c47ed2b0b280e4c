using System.Globalization;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// Population parameters of the Pareto/NBD model (Schmittlein, Morrison &amp; Colombo 1987). Time is in weeks.
/// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(shape <see cref="R"/>, rate <see cref="Alpha"/>);
/// their lifetime is exponential with drop-out rate μ ~ Gamma(shape <see cref="S"/>, rate <see cref="Beta"/>).
/// All four parameters are finite and greater than 0.
/// </summary>
public sealed record ParetoNbdParameters : IRepeatPurchaseModel
{
    /// <summary>Creates validated parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or not greater than 0.</exception>
    public ParetoNbdParameters(double r, double alpha, double s, double beta)
    {
        R = ParameterGuard.Positive(r, nameof(r));
        Alpha = ParameterGuard.Positive(alpha, nameof(alpha));
        S = ParameterGuard.Positive(s, nameof(s));
        Beta = ParameterGuard.Positive(beta, nameof(beta));
    }

    /// <summary>Shape of the gamma distribution of purchase rates.</summary>
    public double R { get; }

    /// <summary>Rate (inverse scale, in weeks) of the gamma distribution of purchase rates.</summary>
    public double Alpha { get; }

    /// <summary>Shape of the gamma distribution of drop-out rates.</summary>
    public double S { get; }

    /// <summary>Rate (inverse scale, in weeks) of the gamma distribution of drop-out rates.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public RepeatPurchaseModelKind Kind => RepeatPurchaseModelKind.ParetoNbd;

    /// <inheritdoc/>
    public double ProbabilityAlive(int x, double tx, double T) => ParetoNbd.ProbabilityAlive(this, x, tx, T);

    /// <inheritdoc/>
    public double ConditionalExpectedPurchases(double t, int x, double tx, double T) =>
        ParetoNbd.ConditionalExpectedPurchases(this, t, x, tx, T);

    /// <inheritdoc/>
    public double ExpectedPurchases(double t) => ParetoNbd.ExpectedPurchases(this, t);

    /// <inheritdoc/>
    public double LogLikelihood(IEnumerable<CalibrationRow> customers) => ParetoNbd.LogLikelihood(this, customers);

    /// <inheritdoc/>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"r = {R:0.0000}, alpha = {Alpha:0.0000}, s = {S:0.0000}, beta = {Beta:0.0000}");
}
