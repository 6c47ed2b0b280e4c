using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// Maximum-likelihood fitting of the population parameters over a whole customer base, with their uncertainty
/// (<see cref="FitResult{TParameters}.Uncertainty"/>: the observed information at the optimum, see <see cref="ParameterUncertainty"/>).
/// The optimiser is MathNet's Nelder-Mead simplex on the logarithms of the parameters (so they stay positive),
/// started at 1 for every parameter and restarted once from its optimum, the usual guard against a collapsed simplex.
/// Convergence means a relative spread of the simplex's function values below 10⁻¹² in both runs and no
/// improvement above 10⁻⁶ in log-likelihood from the restart.
/// </summary>
public static class ValueModelFitter
{
    private const double Tolerance = 1e-12;
    private const int MaximumIterations = 20_000;

    /// <summary>Fits (r, α, a, b) of the BG/NBD model to (x, t_x, T) histories in weeks.</summary>
    /// <exception cref="ArgumentException">No customers, or an invalid history.</exception>
    public static FitResult<BgNbdParameters> FitBgNbd(IEnumerable<CalibrationRow> customers)
    {
        BgNbdLikelihoodData data = BgNbdLikelihoodData.Create(customers);
        Func<double[], double> evaluate = v => data.Evaluate(v[0], v[1], v[2], v[3]);
        (double[] best, double logLikelihood, int iterations, bool converged) = Maximise(evaluate, 4);
        return new FitResult<BgNbdParameters>(
            new BgNbdParameters(best[0], best[1], best[2], best[3]), logLikelihood, iterations, converged)
        {
            Uncertainty = ParameterUncertainty.AtMaximum(ParameterUncertainty.BgNbdNames, best, evaluate),
        };
    }

    /// <summary>Fits (r, α, s, β) of the Pareto/NBD model to (x, t_x, T) histories in weeks.</summary>
    /// <exception cref="ArgumentException">No customers, or an invalid history.</exception>
    public static FitResult<ParetoNbdParameters> FitParetoNbd(IEnumerable<CalibrationRow> customers)
    {
        ParetoNbdLikelihoodData data = ParetoNbdLikelihoodData.Create(customers);
        Func<double[], double> evaluate = v => data.Evaluate(v[0], v[1], v[2], v[3]);
        (double[] best, double logLikelihood, int iterations, bool converged) = Maximise(evaluate, 4);
        return new FitResult<ParetoNbdParameters>(
            new ParetoNbdParameters(best[0], best[1], best[2], best[3]), logLikelihood, iterations, converged)
        {
            Uncertainty = ParameterUncertainty.AtMaximum(ParameterUncertainty.ParetoNbdNames, best, evaluate),
        };
    }

    /// <summary>Fits (p, q, γ) of the Gamma-Gamma model to the customers with x &gt; 0 (their mean repeat spend zbar).</summary>
    /// <exception cref="ArgumentException">No customer with x &gt; 0, or one without a positive zbar.</exception>
    public static FitResult<GammaGammaParameters> FitGammaGamma(IEnumerable<CalibrationRow> customers)
    {
        GammaGammaLikelihoodData data = GammaGammaLikelihoodData.Create(customers);
        Func<double[], double> evaluate = v => data.Evaluate(v[0], v[1], v[2]);
        (double[] best, double logLikelihood, int iterations, bool converged) = Maximise(evaluate, 3);
        return new FitResult<GammaGammaParameters>(
            new GammaGammaParameters(best[0], best[1], best[2]), logLikelihood, iterations, converged)
        {
            Uncertainty = ParameterUncertainty.AtMaximum(ParameterUncertainty.GammaGammaNames, best, evaluate),
        };
    }

    /// <summary>Maximises a log-likelihood of positive parameters; returns the parameters themselves (not their logs).</summary>
    internal static (double[] Best, double LogLikelihood, int Iterations, bool Converged) Maximise(
        Func<double[], double> logLikelihood, int dimension)
    {
        double[] parameters = new double[dimension];
        double[] best = new double[dimension];
        Array.Fill(best, 1.0);
        double bestValue = double.NegativeInfinity;

        double NegativeLogLikelihood(Vector<double> logParameters)
        {
            for (int i = 0; i < dimension; i++)
            {
                parameters[i] = Math.Exp(logParameters[i]);
            }

            double value = logLikelihood(parameters);
            if (!double.IsFinite(value))
            {
                return double.MaxValue;
            }

            if (value > bestValue)
            {
                bestValue = value;
                Array.Copy(parameters, best, dimension);
            }

            return -value;
        }

        IObjectiveFunction objective = ObjectiveFunction.Value(NegativeLogLikelihood);
        var simplex = new NelderMeadSimplex(Tolerance, MaximumIterations);
        int iterations = 0;
        bool converged = true;
        double previous = double.NegativeInfinity;
        foreach (double perturbation in (ReadOnlySpan<double>)[0.5, 0.05])
        {
            Vector<double> start = Vector<double>.Build.Dense(dimension, i => Math.Log(best[i]));
            try
            {
                MinimizationResult result = simplex.FindMinimum(
                    objective, start, Vector<double>.Build.Dense(dimension, perturbation));
                iterations += result.Iterations;
                converged &= result.ReasonForExit == ExitCondition.Converged;
            }
            catch (MaximumIterationsException)
            {
                iterations += MaximumIterations;
                converged = false;
            }

            converged &= double.IsNegativeInfinity(previous) || bestValue - previous < 1e-6;
            previous = bestValue;
        }

        return (best, bestValue, iterations, converged);
    }
}
