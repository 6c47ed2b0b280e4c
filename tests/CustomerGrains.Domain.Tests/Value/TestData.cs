using CustomerGrains.Domain.Value;
using CustomerGrains.Testing;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>The CDNOW reference data sets, from the shared data folder.</summary>
internal static class TestData
{
    internal static IReadOnlyList<CalibrationRow> ReadSummary(string fileName)
    {
        using var reader = new StreamReader(TestEnvironment.RequireSharedData(Path.Combine("cdnow", fileName)));
        return CalibrationCsv.Read(reader);
    }
}

/// <summary>Numeric assertions phrased as the reference values are stated.</summary>
internal static class Approx
{
    internal static void SignificantDigits(double expected, double actual, int digits, string what)
    {
        double Round(double v) => Math.Round(v, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(v))));
        Assert.True(Round(expected) == Round(actual), $"{what}: expected {expected} to {digits} significant digits, got {actual}.");
    }

    internal static void Within(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected} ± {tolerance}, got {actual}.");

    internal static void Relative(double expected, double actual, double tolerance, string what) =>
        Within(expected, actual, tolerance * Math.Abs(expected), what);
}
