using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class HypergeometricTests
{
    [Theory]
    [InlineData(-5.0)]
    [InlineData(-1.0)]
    [InlineData(0.3)]
    [InlineData(0.75)]
    [InlineData(0.9)]
    public void The_logarithm_series_2F1_1_1_2_equals_minus_log_of_1_minus_z_over_z(double z)
    {
        Approx.Relative(-Math.Log(1 - z) / z, Hypergeometric.Hyp2F1(1, 1, 2, z), 1e-13, $"2F1(1, 1; 2; {z})");
    }

    [Theory]
    [InlineData(0.99)]
    [InlineData(0.9999)]
    public void Near_z_equals_one_with_integer_c_minus_a_minus_b_the_value_stays_accurate(double z)
    {
        Approx.Relative(-Math.Log(1 - z) / z, Hypergeometric.Hyp2F1(1, 1, 2, z), 1e-11, $"2F1(1, 1; 2; {z})");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void The_complete_elliptic_integral_is_reproduced_near_z_equals_one(double m)
    {
        // 2F1(1/2, 1/2; 1; m) = 2K(m)/π and K(m) = π / (2 AGM(1, √(1 - m))).
        double a = 1, g = Math.Sqrt(1 - m);
        for (int i = 0; i < 10; i++)
        {
            (a, g) = ((a + g) / 2, Math.Sqrt(a * g));
        }

        Approx.Relative(1 / a, Hypergeometric.Hyp2F1(0.5, 0.5, 1, m), 1e-11, $"2F1(1/2, 1/2; 1; {m})");
    }

    [Theory]
    [InlineData(-0.5, 0.97)]
    [InlineData(0.7, 0.95)]
    [InlineData(0.2, -3.0)]
    public void With_b_equal_to_c_the_function_is_a_binomial_power_even_for_negative_terms(double a, double z)
    {
        Approx.Relative(Math.Pow(1 - z, -a), Hypergeometric.Hyp2F1(a, 1.3, 1.3, z), 1e-12, $"2F1({a}, 1.3; 1.3; {z})");
    }

    [Theory]
    [InlineData(0.3, 1.4)]
    [InlineData(0.3, 0.2)]
    [InlineData(-0.4, 1.5)]
    public void An_alternating_series_with_a_below_one_matches_the_trigonometric_closed_form(double a, double x)
    {
        // 2F1(a, 1 - a; 3/2; sin²x) = sin((2a - 1)x) / ((2a - 1) sin x).
        double expected = Math.Sin(((2 * a) - 1) * x) / (((2 * a) - 1) * Math.Sin(x));
        double z = Math.Sin(x) * Math.Sin(x);

        Approx.Relative(expected, Hypergeometric.Hyp2F1(a, 1 - a, 1.5, z), 1e-12, $"2F1({a}, {1 - a}; 3/2; {z})");
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(-2.0)]
    public void A_negative_integer_parameter_gives_the_terminating_polynomial(double z)
    {
        double expected = 1 - (6 * z) + (9 * z * z) - (4 * z * z * z);

        Approx.Within(expected, Hypergeometric.Hyp2F1(-3, 2, 1, z), 1e-12 * Math.Max(1, Math.Abs(expected)), $"2F1(-3, 2; 1; {z})");
    }

    [Fact]
    public void At_z_equals_one_Gauss_theorem_applies()
    {
        Approx.Relative(4 / Math.PI, Hypergeometric.Hyp2F1(0.5, 0.5, 2, 1), 1e-13, "2F1(1/2, 1/2; 2; 1)");
    }

    [Fact]
    public void Arguments_outside_the_supported_domain_are_rejected_clearly()
    {
        var beyondCut = Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Hyp2F1(1, 1, 2, 1.5));
        Assert.Contains("z <= 1", beyondCut.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Hyp2F1(1, 1, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric.Hyp2F1(1, 1, 2, double.NaN));
        var poleInC = Assert.Throws<ArgumentException>(() => Hypergeometric.Hyp2F1(1, 1, -2, 0.5));
        Assert.Contains("c = -2", poleInC.Message, StringComparison.Ordinal);
    }
}
