using System.Globalization;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// Population parameters of the BG/NBD model (Fader, Hardie &amp; Lee 2005). Time is in weeks.
/// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(shape <see cref="R"/>, rate <see cref="Alpha"/>)
/// per week; after each purchase they drop out with probability p ~ Beta(<see cref="A"/>, <see cref="B"/>).
/// All four parameters are finite and greater than 0.
/// </summary>
public sealed record BgNbdParameters : IRepeatPurchaseModel
{
    /// <summary>Creates validated parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or not greater than 0.</exception>
    public BgNbdParameters(double r, double alpha, double a, double b)
    {
        R = ParameterGuard.Positive(r, nameof(r));
        Alpha = ParameterGuard.Positive(alpha, nameof(alpha));
        A = ParameterGuard.Positive(a, nameof(a));
        B = ParameterGuard.Positive(b, nameof(b));
    }

    /// <summary>Shape of the gamma distribution of purchase rates.</summary>
    public double R { get; }

    /// <summary>Rate (inverse scale, in weeks) of the gamma distribution of purchase rates.</summary>
    public double Alpha { get; }

    /// <summary>First shape parameter of the beta distribution of drop-out probabilities.</summary>
    public double A { get; }

    /// <summary>Second shape parameter of the beta distribution of drop-out probabilities.</summary>
    public double B { get; }

    /// <inheritdoc/>
    public RepeatPurchaseModelKind Kind => RepeatPurchaseModelKind.BgNbd;

    /// <inheritdoc/>
    public double ProbabilityAlive(int x, double tx, double T) => BgNbd.ProbabilityAlive(this, x, tx, T);

    /// <inheritdoc/>
    public double ConditionalExpectedPurchases(double t, int x, double tx, double T) =>
        BgNbd.ConditionalExpectedPurchases(this, t, x, tx, T);

    /// <inheritdoc/>
    public double ExpectedPurchases(double t) => BgNbd.ExpectedPurchases(this, t);

    /// <inheritdoc/>
    public double LogLikelihood(IEnumerable<CalibrationRow> customers) => BgNbd.LogLikelihood(this, customers);

    /// <inheritdoc/>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"r = {R:0.0000}, alpha = {Alpha:0.0000}, a = {A:0.0000}, b = {B:0.0000}");
}
