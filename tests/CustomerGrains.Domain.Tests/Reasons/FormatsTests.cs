using System.Globalization;

namespace CustomerGrains.Domain.Tests.Reasons;

/// <summary>
/// The figures in reasons are written by a fast path of their own; it must write every number exactly as
/// <see cref="double.ToString(string, IFormatProvider)"/> does, including the roundings near a half, negative
/// zero, huge and non-finite values.
/// </summary>
public sealed class FormatsTests
{
    public static TheoryData<string> ReasonFormats => ["0", "0.0", "0.00", "0.#", "P0"];

    [Theory]
    [MemberData(nameof(ReasonFormats))]
    public void Every_number_reads_exactly_as_the_general_formatter_writes_it(string format)
    {
        foreach (var value in Values(new Random(20261124)))
        {
            var expected = value.ToString(format, CultureInfo.InvariantCulture);
            var fast = Formats.Number(value, format);
            Assert.True(expected == fast.ToString(null, CultureInfo.InvariantCulture),
                $"{value:R} as {format}: expected {expected}, got {fast.ToString(null, CultureInfo.InvariantCulture)}");
            Assert.Equal(value.ToString(format, CultureInfo.CurrentCulture), $"{fast}");
        }
    }

    [Fact]
    public void A_culture_with_other_symbols_gets_what_the_general_formatter_writes()
    {
        var german = new NumberFormatInfo { NumberDecimalSeparator = ",", PercentDecimalSeparator = ",", PercentPositivePattern = 1 };
        foreach (var value in new[] { 0.857, -3.62, 12.5, 0.33 })
        {
            foreach (var format in new[] { "0.00", "0.#", "P0" })
            {
                Assert.Equal(value.ToString(format, german), Formats.Number(value, format).ToString(null, german));
            }
        }
    }

    [Fact]
    public void A_day_reads_as_the_invariant_yyyy_MM_dd_of_its_UTC_moment()
    {
        var random = new Random(11);
        var (first, last) = (DateTime.MinValue.AddDays(1).Ticks, DateTime.MaxValue.AddDays(-1).Ticks);
        for (var i = 0; i < 20_000; i++)
        {
            var at = new DateTimeOffset(first + (long)(random.NextDouble() * (last - first)), TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1)));
            Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Formats.Day(at));
        }
        var local = new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.FromHours(2));
        Assert.Equal("2025-12-31", Formats.Day(local));
    }

    /// <summary>Special values, halves and their neighbours at every scale the formats round at, and random numbers.</summary>
    private static IEnumerable<double> Values(Random random)
    {
        double[] special = [0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
            double.MaxValue, double.MinValue, 1e9, -1e9, 1e9 + 0.5, 999_999_999.995, 2.675, 1.005, 0.125, 0.375, 1.45, 0.045,
            8.345, 0.005, 0.0049999999999999, 0.995, 9.995, 99.5, 0.5, 1.5, 2.5, -0.5, -0.004, -0.05, -2.675];
        foreach (var value in special)
        {
            yield return value;
        }
        foreach (var divisor in new[] { 2.0, 20, 200, 2000, 20000 })
        {
            for (var k = -200; k <= 4000; k++)
            {
                var half = k / divisor;
                yield return half;
                var up = half;
                var down = half;
                for (var step = 0; step < 3; step++)
                {
                    up = Math.BitIncrement(up);
                    down = Math.BitDecrement(down);
                    yield return up;
                    yield return down;
                }
                yield return half * (1 + 1e-13);
                yield return half * (1 - 1e-13);
            }
        }
        for (var i = 0; i < 100_000; i++)
        {
            yield return random.NextDouble();
            yield return random.NextDouble() * 1000;
            yield return (random.NextDouble() - 0.5) * 20;
            yield return Math.Pow(10, (random.NextDouble() * 24) - 12) * (random.Next(2) == 0 ? 1 : -1);
            yield return BitConverter.Int64BitsToDouble(random.NextInt64());
        }
    }
}
