namespace CustomerGrains.Domain.Value;

/// <summary>
/// Population parameters of the Gamma-Gamma spend model (Fader, Hardie &amp; Lee 2005, "RFM and CLV").
/// A customer's transaction values are Gamma(shape <see cref="P"/>, rate ν) with ν ~ Gamma(shape <see cref="Q"/>,
/// rate <see cref="Gamma"/>); the population mean spend per transaction, p·γ/(q - 1), exists when q &gt; 1.
/// Money is in the currency of the data (net of returns in the live engine). All three are finite and greater than 0.
/// </summary>
public sealed record GammaGammaParameters
{
    /// <summary>Creates validated parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or not greater than 0.</exception>
    public GammaGammaParameters(double p, double q, double gamma)
    {
        P = ParameterGuard.Positive(p, nameof(p));
        Q = ParameterGuard.Positive(q, nameof(q));
        Gamma = ParameterGuard.Positive(gamma, nameof(gamma));
    }

    /// <summary>Shape of each customer's transaction-value distribution.</summary>
    public double P { get; }

    /// <summary>Shape of the population distribution of the transaction-value rate ν.</summary>
    public double Q { get; }

    /// <summary>Rate of the population distribution of ν (in money units).</summary>
    public double Gamma { get; }
}
