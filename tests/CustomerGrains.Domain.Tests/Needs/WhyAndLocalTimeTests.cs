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
    public void Each_call_is_read_with_the_daylight_saving_rule_of_its_own_moment_not_todays()
    {
        // Calls at 14:00 UTC: three in July (16:00 in Berlin, summer time) and two in January (15:00, winter time).
        // Read in January, a fixed winter offset would have said 15:00 for all five.
        var h = new History().Locale(T0, phone: "+49 30 1234567");
        for (var i = 0; i < 3; i++)
        {
            h.Contact(new DateTimeOffset(2026, 7, 6 + i, 14, 0, 0, TimeSpan.Zero));
        }
        for (var i = 0; i < 2; i++)
        {
            h.Contact(new DateTimeOffset(2027, 1, 11 + i, 14, 0, 0, TimeSpan.Zero));
        }

        var needs = Needs(h, new DateTimeOffset(2027, 1, 20, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal((14, 16, "Europe/Berlin"), (needs.PreferredHour, needs.LocalPreferredHour, needs.Zone!.TimeZone));
    }

    [Fact]
    public void Dayparts_are_local_across_the_spring_change_of_the_clocks()
    {
        // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026. A call at 04:30 UTC is at night before (05:30)
        // and in the morning after (06:30); in UTC all five would be night calls.
        var h = new History().Locale(T0, timeZone: "Europe/Berlin");
        h.Contact(new DateTimeOffset(2026, 3, 26, 4, 30, 0, TimeSpan.Zero));
        h.Contact(new DateTimeOffset(2026, 3, 27, 4, 30, 0, TimeSpan.Zero));
        h.Contact(new DateTimeOffset(2026, 3, 30, 4, 30, 0, TimeSpan.Zero));
        h.Contact(new DateTimeOffset(2026, 3, 31, 4, 30, 0, TimeSpan.Zero));
        h.Contact(new DateTimeOffset(2026, 4, 1, 4, 30, 0, TimeSpan.Zero));

        var local = Needs(h, new DateTimeOffset(2026, 4, 2, 12, 0, 0, TimeSpan.Zero));
        var utc = NeedProfile.Of(h.State, new DateTimeOffset(2026, 4, 2, 12, 0, 0, TimeSpan.Zero), new NeedOptions(), null);

        Assert.Equal((0.4, 0.6), (local.Traits["daypart.night"], local.Traits["daypart.morning"]));
        Assert.Equal(6, local.LocalPreferredHour);
        Assert.Equal(1.0, utc.Traits["daypart.night"]);
        Assert.False(utc.Traits.ContainsKey("daypart.morning") && utc.Traits["daypart.morning"] > 0);
    }

    [Fact]
    public void A_late_friday_evening_in_utc_is_a_local_saturday_and_counts_for_the_weekend()
    {
        // 22:30 UTC on Friday 3 and 10 July 2026 is 00:30 on Saturday in Berlin (summer time); 09:00 UTC on a Monday stays a Monday.
        var h = new History().Locale(T0, timeZone: "Europe/Berlin")
            .Contact(new DateTimeOffset(2026, 7, 3, 22, 30, 0, TimeSpan.Zero))
            .Contact(new DateTimeOffset(2026, 7, 10, 22, 30, 0, TimeSpan.Zero))
            .Contact(new DateTimeOffset(2026, 7, 13, 9, 0, 0, TimeSpan.Zero));
        var now = new DateTimeOffset(2026, 7, 20, 12, 0, 0, TimeSpan.Zero);

        var local = Needs(h, now);
        var utc = NeedProfile.Of(h.State, now, new NeedOptions(), null);

        Assert.Equal((DayOfWeek.Friday, DayOfWeek.Saturday), (local.PreferredWeekday, local.LocalPreferredWeekday));
        Assert.Equal(2.0 / 3, local.Traits["time.weekend"], 9);
        Assert.Equal(0, utc.Traits["time.weekend"]);
        Assert.Null(utc.LocalPreferredWeekday);
    }

    [Fact]
    public void A_late_call_lands_in_its_place_and_only_the_latest_calls_are_kept_for_local_time()
    {
        var h = new History();
        var at = new DateTimeOffset(2026, 1, 5, 14, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Domain.State.CustomerState.ContactTimeLimit + 5; i++)
        {
            h.Contact(at.AddDays(i));
        }
        h.Contact(at.AddDays(-30));
        h.Contact(at.AddDays(100).AddMinutes(1));

        var kept = h.State.ContactMinutes;
        Assert.Equal(Domain.State.CustomerState.ContactTimeLimit, kept.Count);
        Assert.Equal(kept.Order(), kept);
        Assert.Equal(at.AddDays(Domain.State.CustomerState.ContactTimeLimit + 4), Domain.State.CustomerState.ContactEpoch.AddMinutes(kept[^1]));
        Assert.Contains((int)(at.AddDays(100).AddMinutes(1) - Domain.State.CustomerState.ContactEpoch).TotalMinutes, kept);
        Assert.Equal(Domain.State.CustomerState.ContactTimeLimit + 7, h.State.ContactHours.Sum());
    }

    [Fact]
    public void A_customer_without_phone_or_stated_zone_is_in_the_calendars_default_region()
    {
        var zone = LocalZone.Of(new History().Contact(T0).State, Policy.Default.Calendar);

        Assert.Equal(("Europe/Berlin", "default", "DE"), (zone.TimeZone, zone.Source, zone.Region));
    }
}
