using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Contacts;

/// <summary>
/// Where the customer lives in time: the time zone (IANA id) their preferred hours, birthday and holidays are read in,
/// where it comes from (<c>profile</c>: stated in a profile change; <c>phone</c>: the time zone of the phone's region in the
/// holiday calendar; <c>default</c>: the calendar's default region; <c>utc</c>: no calendar), and the region whose holidays
/// apply.
/// </summary>
public sealed record LocalZone(string TimeZone, string Source, string Region)
{
    /// <summary>The time zone itself (UTC when its id is not known here).</summary>
    public TimeZoneInfo Zone() => TimeZones.FindOrUtc(TimeZone);

    /// <summary>The customer's local date of <paramref name="now"/>.</summary>
    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone()).DateTime);

    /// <summary>The customer's zone: the profile's, else their phone region's in the calendar, else the calendar's default region's.</summary>
    public static LocalZone Of(CustomerState state, CalendarPolicy calendar)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        string? phoneRegion = null;
        foreach (var phone in state.Phones?.Value ?? [])
        {
            if (calendar.Phones.Region(phone) is { } region)
            {
                phoneRegion = region;
                break;
            }
        }
        var home = phoneRegion is not null && calendar.Regions.ContainsKey(phoneRegion) ? phoneRegion : calendar.DefaultRegion;
        if (state.TimeZone is { } stated && TimeZones.IsKnown(stated.Value))
        {
            return new LocalZone(stated.Value, "profile", home);
        }
        if (calendar.Regions.TryGetValue(home, out var regional))
        {
            return new LocalZone(regional.TimeZone, home == phoneRegion ? "phone" : "default", home);
        }
        return new LocalZone("UTC", "utc", home);
    }
}
