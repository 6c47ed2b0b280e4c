namespace CustomerGrains.Domain.Events;

/// <summary>
/// What retention leaves of a customer's history: the personal data of old events goes, every figure the customer's state
/// is computed from stays, so the state rebuilt from the shredded history is the state built from the original.
/// <list type="bullet">
/// <item>A note older than the notes' cut-off keeps its id, time and agent; its text becomes <see cref="ShreddedText"/>.</item>
/// <item>A profile change older than the events' cut-off loses the contact data a later profile change replaced (name,
/// phones, e-mail, birthday, time zone, a preference's value): the customer's profile in force is never shredded by retention,
/// only by an erasure. Consents stay (they are the evidence of what the customer agreed to).</item>
/// <item>Amounts, currencies, order lines, order and complaint ids, reasons and categories stay: the value model, the order
/// book and the need profile are computed from them.</item>
/// </list>
/// Shredding is idempotent: what is already shredded is not changed again.
/// </summary>
public static class RetentionShredding
{
    /// <summary>The text a shredded note is left with.</summary>
    public const string ShreddedText = "[erased]";

    /// <summary>
    /// The events of <paramref name="history"/> (one customer's readable events) that retention changes, with what is left
    /// of each: notes that occurred before <paramref name="notesBefore"/>, profile changes that occurred before
    /// <paramref name="eventsBefore"/> (a null cut-off keeps that kind whole). Events that need no change are not listed.
    /// </summary>
    public static IReadOnlyList<(int Index, InteractionEvent Shredded)> Shred(
        IReadOnlyList<InteractionEvent> history, DateTimeOffset? eventsBefore, DateTimeOffset? notesBefore)
    {
        ArgumentNullException.ThrowIfNull(history);
        var changed = new List<(int, InteractionEvent)>();
        for (var i = 0; i < history.Count; i++)
        {
            InteractionEvent? shredded = history[i] switch
            {
                NoteAdded note when note.OccurredAt < notesBefore && note.Text != ShreddedText => note with { Text = ShreddedText },
                ProfileChanged profile when profile.OccurredAt < eventsBefore => WithoutReplaced(profile, history),
                _ => null,
            };
            if (shredded is not null)
            {
                changed.Add((i, shredded));
            }
        }
        return changed;
    }

    /// <summary>The profile change without the values a profile change of a later moment set again; null when none was.</summary>
    private static ProfileChanged? WithoutReplaced(ProfileChanged profile, IReadOnlyList<InteractionEvent> history)
    {
        // The state keeps the newest value by event time (a tie goes to the later arrival), so only a strictly later
        // statement certainly replaced this one.
        var later = history.OfType<ProfileChanged>().Where(p => p.OccurredAt > profile.OccurredAt).ToList();
        if (later.Count == 0)
        {
            return null;
        }
        var replacedPreferences = profile.Preferences?.Keys.Where(k => later.Any(p => p.Preferences?.ContainsKey(k) == true)).ToList() ?? [];
        var shredded = profile with
        {
            Name = later.Any(p => p.Name is not null) ? null : profile.Name,
            Phones = later.Any(p => p.Phones is not null) ? null : profile.Phones,
            Email = later.Any(p => p.Email is not null) ? null : profile.Email,
            Birthday = later.Any(p => p.Birthday is not null) ? null : profile.Birthday,
            TimeZone = later.Any(p => p.TimeZone is not null) ? null : profile.TimeZone,
            Preferences = profile.Preferences is { } preferences && replacedPreferences.Count > 0
                ? (preferences.Count == replacedPreferences.Count ? null : preferences.RemoveRange(replacedPreferences))
                : profile.Preferences,
        };
        return shredded == profile ? null : shredded;
    }
}
