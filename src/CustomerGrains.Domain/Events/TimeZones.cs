using System.Collections.Concurrent;

namespace CustomerGrains.Domain.Events;

/// <summary>IANA time zones by id, looked up once each (the system's time zone data; UTC always known).</summary>
public static class TimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Found = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="id"/> names a time zone (IANA ids such as <c>Europe/Berlin</c>, or <c>UTC</c>).</summary>
    public static bool IsKnown(string? id) => Find(id) is not null;

    /// <summary>The time zone named <paramref name="id"/>, null when it is not known.</summary>
    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return null;
        }
        if (Found.TryGetValue(id, out var known))
        {
            return known;
        }
        // Only zones that exist are kept: unknown ids come from untrusted input and must not grow the cache.
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? Found.GetOrAdd(id, zone) : null;
    }

    /// <summary>The time zone named <paramref name="id"/>, or UTC when it is not known.</summary>
    public static TimeZoneInfo FindOrUtc(string? id) => Find(id) ?? TimeZoneInfo.Utc;
}
