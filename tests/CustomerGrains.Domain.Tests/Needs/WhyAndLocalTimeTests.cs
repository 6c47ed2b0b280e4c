using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Needs;

/// <summary>The why of the need profile, and the customer's local time for preferred hours.</summary>
public sealed class WhyAndLocalTimeTests
{
    private static NeedProfileView Needs(History h, DateTimeOffset now) =>
        NeedProfile.Of(h.State, now, new NeedOptions(), null, LocalZone.Of(h.State, Policy.Default.Calendar));

    private static History Contact(History h, DateTimeOffset at, string reason, Channel channel = Channel.Phone) => h.Apply(new CustomerContacted
    {
        EventId = $"call-{h.Events.Count}", CustomerId = h.State.CustomerId, OccurredAt = at, Source = "cti", Channel = channel, Reason = reason,
    });

    [Fact]
    public void Reasons_of_calls_complaints_purchases_and_returns_add_up_to_the_why_strongest_first()
    {
        var h = new History();
        Contact(h, T0, "Billing");
        Contact(h, T0.AddDays(1), " billing ");
        h.Apply(new ComplaintOpened
        {
            EventId = "k", CustomerId = "c-1", OccurredAt = T0.AddDays(2), Source = "crm", ComplaintId = "k-1", Severity = ComplaintSeverity.Low, Category = "billing",
        });
        h.Apply(new PurchaseMade
        {
            EventId = "p", CustomerId = "c-1", OccurredAt = T0.AddDays(3), Source = "shop", OrderId = "o-1", Amount = 50m, Currency = "EUR", Reason = "gift",
        });
        h.Apply(new OrderReturned { EventId = "r", CustomerId = "c-1", OccurredAt = T0.AddDays(4), Source = "shop", OrderId = "o-1", Amount = 50m, Reason = "wrong size" });

        var why = Needs(h, T0.AddDays(4)).Why;

        Assert.Equal(["billing", "wrong size", "gift"], why.Select(w => w.Reason));
        Assert.Equal(0.6, why[0].Share, 2);
        Assert.Equal(1.0, why.Sum(w => w.Share), 6);
    }

    [Fact]
    public void An_old_reason_fades_behind_a_recent_one()
    {
        var h = new History();
        Contact(h, T0, "delivery");
        Contact(h, T0.AddDays(1), "delivery");
        Contact(h, T0.AddDays(365), "cancel");

        Assert.Equal("cancel", Needs(h, T0.AddDays(366)).Why[0].Reason);
    }

    [Fact]
    public void Preferred_hours_are_shown_in_the_time_zone_of_the_customers_phone_or_profile()
    {
        // Calls at 14:00 UTC: 15:00 in Berlin in winter, 09:00 in New York.
        var now = new DateTimeOffset(2026, 1, 20, 12, 0, 0, TimeSpan.Zero);
        History Caller(string phone, string? zone = null)
        {
            var h = new History().Locale(T0, phone: phone, timeZone: zone);
            for (var i = 0; i < 3; i++)
            {
                h.Contact(T0.AddDays(i).AddHours(4));
            }
            return h;
        }

        var berlin = Needs(Caller("+49 30 1234567"), now);
        var newYork = Needs(Caller("+1 212 555 0142"), now);
        var stated = Needs(Caller("+1 212 555 0142", zone: "Asia/Tokyo"), now);

        Assert.Equal((14, 15, "Europe/Berlin", "phone"), (berlin.PreferredHour, berlin.LocalPreferredHour, berlin.Zone!.TimeZone, berlin.Zone.Source));
        Assert.Equal((9, "America/New_York"), (newYork.LocalPreferredHour, newYork.Zone!.TimeZone));
        Assert.Equal((23, "Asia/Tokyo", "profile", "US"), (stated.LocalPreferredHour, stated.Zone!.TimeZone, stated.Zone.Source, stated.Zone.Region));
    }

    [Fact]
    public void A_customer_without_phone_or_stated_zone_is_in_the_calendars_default_region()
    {
        var zone = LocalZone.Of(new History().Contact(T0).State, Policy.Default.Calendar);

        Assert.Equal(("Europe/Berlin", "default", "DE"), (zone.TimeZone, zone.Source, zone.Region));
    }
}
