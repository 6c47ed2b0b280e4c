using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.State;

/// <summary>
/// The purchase history condensed to the sufficient statistics of the value models, as of a moment.
/// Days are UTC calendar days; a "repeat purchase" is a purchase on a distinct day after the first.
/// </summary>
public sealed record PurchaseStatistics(
    int Purchases,
    int RepeatPurchases,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt,
    double RecencyDays,
    double AgeDays,
    decimal GrossSpend,
    decimal Returned,
    decimal NetSpend,
    decimal RepeatNetSpend,
    int Returns,
    string? Currency)
{
    /// <summary>Net amounts per currency that are not counted in <see cref="Currency"/> (no conversion into it); null when none.</summary>
    public IReadOnlyDictionary<string, decimal>? Uncounted { get; init; }

    /// <summary>Statistics of the given state as of <paramref name="now"/>; O(1).</summary>
    public static PurchaseStatistics Of(CustomerState s, DateTimeOffset now)
    {
        var days = s.PurchaseDays;
        var firstDay = days.Count > 0 ? days[0] : null;
        var repeat = Math.Max(0, days.Count - 1);
        var recency = repeat > 0 ? days[^1].Day.DayNumber - firstDay!.Day.DayNumber : 0;
        var age = s.FirstPurchaseAt is { } first ? Math.Max(0, (now - first).TotalDays) : 0;
        var firstNet = firstDay?.Net ?? 0;
        return new PurchaseStatistics(
            s.PurchaseCount, repeat, s.FirstPurchaseAt, s.LastPurchaseAt, recency, age,
            s.GrossSpend, s.ReturnedAmount, s.NetSpend,
            RepeatNetSpend: days.Count > 0 ? SumNet(days) - firstNet : 0,
            s.ReturnCount, s.Currency)
        {
            Uncounted = s.Uncounted.Count > 0 ? new Dictionary<string, decimal>(s.Uncounted, StringComparer.Ordinal) : null,
        };
    }

    private static decimal SumNet(List<PurchaseDay> days)
    {
        var sum = 0m;
        foreach (var d in days)
        {
            sum += d.Net;
        }
        return sum;
    }
}

/// <summary>An open complaint with its age as of the summary's moment.</summary>
public sealed record OpenComplaintView(string ComplaintId, ComplaintSeverity Severity, string? Category, DateTimeOffset OpenedAt, double AgeDays);

/// <summary>
/// What the engine shows of a customer as of a moment: the seam where the value, lifecycle and need
/// models add their outputs. A pure function of the state and the moment.
/// </summary>
public sealed record CustomerSummary(
    string CustomerId,
    DateTimeOffset AsOf,
    int AppliedEvents,
    DateTimeOffset? FirstEventAt,
    DateTimeOffset? LastEventAt,
    PurchaseStatistics Purchases,
    IReadOnlyDictionary<Channel, ChannelContacts> Contacts,
    IReadOnlyList<OpenComplaintView> OpenComplaints,
    int Complaints,
    EmotionNote? LastEmotion,
    string? Name,
    IReadOnlyList<string> Phones,
    string? Email,
    DateOnly? Birthday,
    IReadOnlyDictionary<ConsentChannel, ConsentNote> Consents,
    IReadOnlyDictionary<string, StatedPreference> Preferences,
    IReadOnlyDictionary<ExperienceDimension, DimensionScore> Experience,
    NpsNote? LastNps,
    IReadOnlyDictionary<EngagementKind, int> Engagements,
    CancellationNote? Cancellation,
    IReadOnlyList<RecentInteraction> RecentInteractions)
{
    /// <summary>The time zone the customer stated in their profile (IANA id), null when none.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The consent in force per channel and purpose the customer made a statement about.</summary>
    public IReadOnlyList<ConsentInForce> ConsentsInForce { get; init; } = [];

    public static CustomerSummary Of(CustomerState s, DateTimeOffset asOf) => new(
        s.CustomerId,
        asOf,
        s.AppliedEvents,
        s.FirstEventAt,
        s.LastEventAt,
        PurchaseStatistics.Of(s, asOf),
        s.Contacts,
        [.. s.OpenComplaints.Values
            .OrderBy(c => c.OpenedAt)
            .Select(c => new OpenComplaintView(c.ComplaintId, c.Severity, c.Category, c.OpenedAt, Math.Max(0, (asOf - c.OpenedAt).TotalDays)))],
        s.ComplaintCount,
        s.LastEmotion,
        s.Name?.Value,
        s.Phones?.Value ?? [],
        s.Email?.Value,
        s.Birthday?.Value,
        s.Consents,
        s.Preferences,
        s.Experience,
        s.LastNps,
        s.Engagements,
        s.Cancellation,
        s.RecentInteractions)
    {
        TimeZone = s.TimeZone?.Value,
        ConsentsInForce = s.ConsentsInForce(),
    };
}
