using System.Globalization;

namespace CustomerGrains.Domain;

/// <summary>How figures appear in reasons: invariant, so the same rule reads the same on every silo.</summary>
internal static class Formats
{
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Money(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);
}
