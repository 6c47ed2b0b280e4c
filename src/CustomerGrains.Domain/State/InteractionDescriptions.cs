using System.Globalization;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.State;

/// <summary>One line per interaction, as an agent reads it on the customer card ("purchase o-1: 120.5 EUR, books").</summary>
public static class InteractionDescriptions
{
    private const int MaxNoteLength = 200;

    public static string Describe(InteractionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            PurchaseMade p => $"purchase {p.OrderId}: {Formats.Money(p.Amount)} {p.Currency}" + Categories(p),
            OrderReturned r => $"return of {r.OrderId}: {Formats.Money(r.Amount)}" + (r.Reason is { } why ? $" ({why})" : ""),
            CustomerContacted c => $"{EnumNames.Of(c.Channel)} contact" + (c.Reason is { } reason ? $" about {reason}" : "")
                + (c.DurationSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Math.Round(c.DurationSeconds / 60.0, 1)} min") : "")
                + (c.Emotion is { } mood ? $", {EnumNames.Of(mood)}" : ""),
            ComplaintOpened o => $"complaint {o.ComplaintId} opened ({EnumNames.Of(o.Severity)}" + (o.Category is { } cat ? $", {cat})" : ")"),
            ComplaintResolved s => $"complaint {s.ComplaintId} resolved" + (s.Satisfied ? ", customer satisfied" : ", customer not satisfied")
                + (s.Compensated ? ", compensated" : ""),
            SurveyAnswered s => "survey answered" + (s.Nps is { } nps ? string.Create(CultureInfo.InvariantCulture, $", NPS {nps}") : ""),
            EngagementRecorded g => EnumNames.Of(g.Kind) + (g.Category is { } cat ? $" ({cat})" : ""),
            ProfileChanged pc => "profile changed: " + string.Join(", ", ChangedFields(pc)),
            CustomerCancelled x => "cancelled" + (x.Reason is { } why ? $" ({why})" : ""),
            NoteAdded n => "note" + (n.AgentId is { } agent ? $" by {agent}" : "") + ": "
                + (n.Text.Length > MaxNoteLength ? n.Text[..MaxNoteLength] + "…" : n.Text),
            OfferRecorded o => $"{o.Action} offer {o.OfferId} {EnumNames.Of(o.Outcome)}" + (o.Spend > 0 ? $", spent {Formats.Money(o.Spend)}" : ""),
            SubscriptionStarted ss => string.Create(CultureInfo.InvariantCulture,
                $"subscription {ss.SubscriptionId} started: {ss.Plan}, {Formats.Money(ss.MonthlyCharge)}{(ss.Currency is { } c ? " " + c : "")} a month, ")
                + (ss.ContractMonths == 1 ? "month-to-month" : string.Create(CultureInfo.InvariantCulture, $"{ss.ContractMonths}-month contract")),
            SubscriptionCancelled sc => $"subscription {sc.SubscriptionId} cancelled" + (sc.Reason is { } why ? $" ({why})" : ""),
            _ => e.TypeName,
        };
    }

    private static string Categories(PurchaseMade p) =>
        p.Lines.IsDefaultOrEmpty ? "" : ", " + string.Join(", ", p.Lines.Select(l => l.Category).Distinct(StringComparer.Ordinal));

    private static IEnumerable<string> ChangedFields(ProfileChanged pc)
    {
        if (pc.Name is not null) yield return "name";
        if (pc.Phones is not null) yield return "phones";
        if (pc.Email is not null) yield return "email";
        if (pc.Birthday is not null) yield return "birthday";
        if (pc.Consents is not null || pc.ConsentsByPurpose is not null) yield return "consents";
        if (pc.TimeZone is not null) yield return "time zone";
        if (pc.Preferences is { } prefs) yield return "preferences " + string.Join(", ", prefs.Keys.Order(StringComparer.Ordinal));
    }
}
