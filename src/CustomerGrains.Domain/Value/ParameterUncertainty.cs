using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// How uncertain fitted parameters are: the estimates and the covariance matrix of their natural logarithms, the inverse
/// of the observed information matrix (the negative Hessian of the log-likelihood at the optimum, in log-parameters).
/// </summary>
/// <remarks>
/// <para>
/// Why the observed information and not a bootstrap: a bootstrap refits the model on every resample (hundreds of
/// Nelder-Mead runs of seconds each for Pareto/NBD on a large base), while the Hessian costs a few dozen likelihood
/// evaluations at the optimum, so <c>fit</c> stays as fast as before; and with the thousands of customers these models are
/// fitted on the likelihood is close to quadratic around its maximum, which is what the normal approximation assumes (no
/// bootstrap was run to compare). It is also how the reference
/// implementations report standard errors (CLVTools' <c>vcov</c>), so the figures can be checked against theirs.
/// </para>
/// <para>
/// Why logarithms: the parameters are positive and the fit is made in their logarithms, where the likelihood is more
/// nearly quadratic; an interval exp(ln θ ± z·sd) never leaves the positive axis. The standard error of θ itself is the
/// delta-method θ·sd(ln θ), which at the optimum equals the one from the Hessian in θ (the gradient vanishes there).
/// </para>
/// <para>
/// The Hessian is taken by central differences with a step of <see cref="Step"/> in each log-parameter (0.1% of the
/// parameter): large enough that the rounding of a log-likelihood of thousands does not swamp the second difference, small
/// enough that the truncation error is far below the sampling error it measures.
/// </para>
/// </remarks>
public sealed record ParameterUncertainty
{
    /// <summary>The parameter names of each model, in the order the fits and their uncertainty list them.</summary>
    public static readonly IReadOnlyList<string> BgNbdNames = ["r", "alpha", "a", "b"], ParetoNbdNames = ["r", "alpha", "s", "beta"],
        GammaGammaNames = ["p", "q", "gamma"];

    /// <summary>The step in each log-parameter of the central differences.</summary>
    public const double Step = 1e-3;

    /// <summary>Creates checked uncertainty (also how a stored document is read back).</summary>
    /// <exception cref="ArgumentException">The lengths disagree, an estimate is not positive and finite, or the covariance
    /// is not a symmetric matrix with positive finite variances.</exception>
    public ParameterUncertainty(IReadOnlyList<string> names, IReadOnlyList<double> estimates, IReadOnlyList<IReadOnlyList<double>> logCovariance)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(estimates);
        ArgumentNullException.ThrowIfNull(logCovariance);
        int n = names.Count;
        if (n == 0 || estimates.Count != n || logCovariance.Count != n || logCovariance.Any(row => row is null || row.Count != n))
        {
            throw new ArgumentException(
                $"Parameter uncertainty needs as many estimates and covariance rows and columns as names ({n}).", nameof(logCovariance));
        }

        for (int i = 0; i < n; i++)
        {
            ParameterGuard.Positive(estimates[i], names[i]);
            if (!(double.IsFinite(logCovariance[i][i]) && logCovariance[i][i] > 0))
            {
                throw new ArgumentException($"The variance of ln {names[i]} must be finite and greater than 0, was {logCovariance[i][i]}.", nameof(logCovariance));
            }

            for (int j = 0; j < i; j++)
            {
                double c = logCovariance[i][j];
                if (!double.IsFinite(c) || Math.Abs(c - logCovariance[j][i]) > 1e-9 * Math.Max(Math.Abs(c), 1e-300))
                {
                    throw new ArgumentException($"The covariance of ln {names[i]} and ln {names[j]} must be finite and symmetric.", nameof(logCovariance));
                }
            }
        }

        Names = [.. names];
        Estimates = [.. estimates];
        LogCovariance = [.. logCovariance.Select(row => (IReadOnlyList<double>)[.. row])];
    }

    /// <summary>The parameters' names, e.g. r, alpha, a, b.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The fitted values.</summary>
    public IReadOnlyList<double> Estimates { get; }

    /// <summary>Cov(ln θ_i, ln θ_j): the inverse of the observed information in log-parameters.</summary>
    public IReadOnlyList<IReadOnlyList<double>> LogCovariance { get; }

    /// <summary>The standard error of each parameter: θ·sd(ln θ).</summary>
    public IReadOnlyList<double> StandardErrors() =>
        [.. Estimates.Select((estimate, i) => estimate * Math.Sqrt(LogCovariance[i][i]))];

    /// <summary>The two-sided interval of parameter <paramref name="index"/> at <paramref name="level"/> (e.g. 0.9): exp(ln θ ± z·sd(ln θ)).</summary>
    public ValueInterval Interval(int index, double level)
    {
        double spread = ZOf(level) * Math.Sqrt(LogCovariance[index][index]);
        return new ValueInterval(Estimates[index] * Math.Exp(-spread), Estimates[index] * Math.Exp(spread));
    }

    /// <summary>gᵀ Σ g: the variance of a function of the log-parameters whose gradient is <paramref name="gradient"/>.</summary>
    public double Variance(ReadOnlySpan<double> gradient)
    {
        if (gradient.Length != Names.Count)
        {
            throw new ArgumentException($"The gradient has {gradient.Length} entries for {Names.Count} parameters.", nameof(gradient));
        }

        double total = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            for (int j = 0; j < gradient.Length; j++)
            {
                total += gradient[i] * LogCovariance[i][j] * gradient[j];
            }
        }

        return total;
    }

    /// <summary>Whether these are the uncertainties of exactly <paramref name="estimates"/> (to 10 significant digits).</summary>
    public bool Describes(ReadOnlySpan<double> estimates)
    {
        if (estimates.Length != Estimates.Count)
        {
            return false;
        }

        for (int i = 0; i < estimates.Length; i++)
        {
            if (Math.Abs(estimates[i] - Estimates[i]) > 1e-10 * Estimates[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parameters with their standard errors on one line, e.g. "r = 0.2426 ± 0.0126, alpha = 4.4135 ± 0.3782".</summary>
    public string Describe()
    {
        IReadOnlyList<double> errors = StandardErrors();
        return string.Join(", ", Names.Select((name, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{name} = {Estimates[i]:0.0000} ± {errors[i]:0.0000}")));
    }

    /// <summary>The standard normal quantile of a two-sided interval at <paramref name="level"/> (1.645 at 0.9).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is not strictly between 0 and 1.</exception>
    public static double ZOf(double level)
    {
        if (!(level is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The interval level must be strictly between 0 and 1.");
        }

        return Normal.InvCDF(0, 1, 0.5 + (level / 2));
    }

    /// <summary>
    /// The uncertainty at the maximum <paramref name="estimates"/> of <paramref name="logLikelihood"/> (a function of the
    /// parameters themselves): the observed information in log-parameters by central differences, inverted. Null when that
    /// matrix is not positive definite (the fit is not at a proper maximum, or a parameter is not identified by the data),
    /// since no finite covariance describes the fit then.
    /// </summary>
    public static ParameterUncertainty? AtMaximum(IReadOnlyList<string> names, IReadOnlyList<double> estimates, Func<double[], double> logLikelihood)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(estimates);
        ArgumentNullException.ThrowIfNull(logLikelihood);
        int n = estimates.Count;
        double[] logEstimates = [.. estimates.Select(e => Math.Log(e))];
        double[] point = new double[n];

        double At(int i, double di, int j, double dj)
        {
            for (int k = 0; k < n; k++)
            {
                point[k] = Math.Exp(logEstimates[k] + (k == i ? di : 0) + (k == j ? dj : 0));
            }

            return logLikelihood(point);
        }

        const double h = Step;
        double centre = At(-1, 0, -1, 0);
        var information = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            information[i, i] = -(At(i, h, -1, 0) - (2 * centre) + At(i, -h, -1, 0)) / (h * h);
            for (int j = 0; j < i; j++)
            {
                double mixed = (At(i, h, j, h) - At(i, h, j, -h) - At(i, -h, j, h) + At(i, -h, j, -h)) / (4 * h * h);
                information[i, j] = information[j, i] = -mixed;
            }
        }

        if (!information.Enumerate().All(double.IsFinite))
        {
            return null;
        }

        Matrix<double> covariance;
        try
        {
            covariance = information.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(n));
        }
        catch (ArgumentException)
        {
            return null;
        }

        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new double[n];
            for (int j = 0; j < n; j++)
            {
                // Symmetric by construction, up to rounding of the solve.
                rows[i][j] = (covariance[i, j] + covariance[j, i]) / 2;
            }
        }

        return rows.Select((row, i) => row[i]).All(v => double.IsFinite(v) && v > 0)
            ? new ParameterUncertainty(names, estimates, rows)
            : null;
    }
}

/// <summary>An interval of a figure: from <see cref="Low"/> to <see cref="High"/>.</summary>
public readonly record struct ValueInterval(double Low, double High);
