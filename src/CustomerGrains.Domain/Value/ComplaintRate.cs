namespace CustomerGrains.Domain.Value;

/// <summary>
/// Complaints per year of being known: a customer's own rate, and the population's (complaints over customer-years),
/// which the service-recovery pattern compares it with. A customer known for less than <see cref="MinimumYears"/> counts
/// as known that long, so one complaint in a first week is not read as fifty a year.
/// </summary>
public static class ComplaintRate
{
    /// <summary>The shortest time a customer counts as known: a quarter of a year.</summary>
    public const double MinimumYears = 0.25;

    private const double DaysPerYear = 365.25;

    /// <summary>Years the customer has been known as of <paramref name="now"/> (from the first interaction), at least <see cref="MinimumYears"/>.</summary>
    public static double YearsKnown(DateTimeOffset? firstSeen, DateTimeOffset now) =>
        Math.Max(firstSeen is { } since ? (now - since).TotalDays / DaysPerYear : 0, MinimumYears);

    /// <summary>The customer's complaints per year as of <paramref name="now"/>.</summary>
    public static double PerYear(int complaints, DateTimeOffset? firstSeen, DateTimeOffset now) =>
        complaints / YearsKnown(firstSeen, now);
}
