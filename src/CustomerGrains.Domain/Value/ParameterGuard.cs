namespace CustomerGrains.Domain.Value;

/// <summary>Argument checks shared by the value models.</summary>
internal static class ParameterGuard
{
    internal static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0.");

    internal static double NonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number of at least 0.");

    /// <summary>Checks a customer's BG/NBD sufficient statistics: integer x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0.</summary>
    internal static void CustomerHistory(double x, double tx, double T)
    {
        if (!double.IsFinite(x) || x < 0 || x != Math.Floor(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "x (repeat purchases) must be a whole number of at least 0.");
        }

        NonNegative(tx, "tx");
        NonNegative(T, nameof(T));
        if (tx > T)
        {
            throw new ArgumentOutOfRangeException(nameof(tx), tx, $"t_x ({tx}) must not exceed T ({T}).");
        }

        if (x == 0 && tx != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tx), tx, "t_x must be 0 when x = 0.");
        }
    }
}
