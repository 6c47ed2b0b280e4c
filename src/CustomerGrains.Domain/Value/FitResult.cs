namespace CustomerGrains.Domain.Value;

/// <summary>The outcome of a maximum-likelihood fit.</summary>
/// <typeparam name="TParameters">The fitted parameter record.</typeparam>
/// <param name="Parameters">The maximising parameters (the best point seen, even when not converged).</param>
/// <param name="LogLikelihood">The total log-likelihood at <paramref name="Parameters"/>.</param>
/// <param name="Iterations">Optimiser iterations over all restarts.</param>
/// <param name="Converged">Whether the optimiser met its tolerance and a restart did not improve the optimum.</param>
public sealed record FitResult<TParameters>(TParameters Parameters, double LogLikelihood, int Iterations, bool Converged)
    where TParameters : class
{
    /// <summary>The parameters' uncertainty from the observed information at the optimum; null when it is not positive
    /// definite (see <see cref="ParameterUncertainty.AtMaximum"/>).</summary>
    public ParameterUncertainty? Uncertainty { get; init; }
}
