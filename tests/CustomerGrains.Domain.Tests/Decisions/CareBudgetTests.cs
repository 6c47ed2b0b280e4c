using System.Text.Json.Nodes;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>Care budgets per tier and period, spent by accepted offers and paced by a least interval; holidays and birthdays in local time.</summary>
public sealed class CareBudgetTests
{
    private static readonly DateTimeOffset LastMonthly = T0.AddDays(8 * 30);

    /// <summary>Monthly purchases for eight months, consenting to post and e-mail.</summary>
    private static History Loyal() =>
        new History().Purchases(T0, count: 9, everyDays: 30).Consent(T0, ConsentChannel.Post).Consent(T0, ConsentChannel.Email);

    private static Decision Decide(History h, DateTimeOffset now, string tier = "A")
    {
        var lifecycle = LifecycleEvaluator.Evaluate(h.State, now, 0.9, new LifecycleOptions());
        var needs = NeedProfile.Of(h.State, now, new NeedOptions(), null, LocalZone.Of(h.State, Policy.Default.Calendar));
        var value = new ValueView(0.9, 1000m, 1200m, tier, 0.9);
        return DecisionEngine.Decide(h.State, value, lifecycle, needs, new DecisionContext(Channel.Phone, null, now), Policy.Default);
    }

    private static IEnumerable<string> Rules(IEnumerable<Reason> reasons) => reasons.Select(r => r.Rule);

    [Fact]
    public void A_top_customer_who_accepted_the_years_gift_is_not_offered_it_again_until_the_period_has_passed()
    {
        var giftAt = LastMonthly.AddDays(1);
        var h = Loyal()
            .Offer(giftAt, "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Offered)
            .Offer(giftAt.AddDays(3), "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Accepted, spend: 150m);

        var spent = Decide(h, giftAt.AddDays(100));
        var nextYear = Decide(h, giftAt.AddDays(370));

        Assert.DoesNotContain(spent.Actions, a => a.Kind == ActionKind.Care);
        var held = Assert.Single(spent.HeldBack, a => a.Kind == ActionKind.Care);
        Assert.Equal(["action.care", "budget.spent"], Rules(held.Reasons));
        Assert.Contains("150", held.Reasons[1].Text, StringComparison.Ordinal);
        Assert.Equal(150m, Assert.Single(nextYear.Actions, a => a.Kind == ActionKind.Care).Budget);
    }

    [Fact]
    public void A_partly_spent_budget_offers_only_what_is_left()
    {
        var h = Loyal().Offer(LastMonthly, "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Accepted, spend: 100m);

        var care = Assert.Single(Decide(h, LastMonthly.AddDays(91)).Actions, a => a.Kind == ActionKind.Care);

        Assert.Equal(50m, care.Budget);
        Assert.Contains("budget.remaining", Rules(care.Reasons));
    }

    [Fact]
    public void A_declined_offer_spends_nothing_but_the_next_waits_for_the_least_interval()
    {
        var h = Loyal().Offer(LastMonthly, "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Declined);

        var tooSoon = Decide(h, LastMonthly.AddDays(30));
        var later = Decide(h, LastMonthly.AddDays(90));

        var held = Assert.Single(tooSoon.HeldBack, a => a.Kind == ActionKind.Care);
        Assert.Equal("budget.interval", held.Reasons[^1].Rule);
        Assert.Contains(Formats.Day(LastMonthly.AddDays(90)), held.Reasons[^1].Text, StringComparison.Ordinal);
        Assert.Equal(150m, Assert.Single(later.Actions, a => a.Kind == ActionKind.Care).Budget);
    }

    [Fact]
    public void An_offer_told_twice_or_out_of_order_is_spent_once()
    {
        var h = Loyal()
            .Offer(LastMonthly.AddDays(2), "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Accepted, spend: 60m)
            .Offer(LastMonthly, "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Offered)
            .Offer(LastMonthly.AddDays(2), "of-1", ActionKind.Care, "personalGiftOrEvent", OfferOutcome.Accepted, spend: 60m);

        var (spent, last) = h.State.OffersOf(ActionKind.Care, "personalGiftOrEvent", LastMonthly.AddDays(-1), LastMonthly.AddDays(10));

        Assert.Equal((60m, LastMonthly), (spent, last));
    }

    [Fact]
    public void A_gold_customers_holiday_gift_is_due_before_a_holiday_of_their_region_and_not_in_between()
    {
        var h = Loyal();
        var beforeChristmas = new DateTimeOffset(2026, 12, 15, 12, 0, 0, TimeSpan.Zero);
        var september = new DateTimeOffset(2026, 9, 15, 12, 0, 0, TimeSpan.Zero);

        var gift = Assert.Single(Decide(h, beforeChristmas, tier: "B").Actions, a => a.Kind == ActionKind.Care);

        Assert.Equal(("holidayGift", "christmas"), (gift.Action, gift.Occasion));
        Assert.Contains("christmas in 10 day(s) (DE holiday calendar", gift.Reasons[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Decide(h, september, tier: "B").Actions, a => a.Kind == ActionKind.Care);
    }

    [Fact]
    public void A_customer_with_a_us_phone_gets_the_holiday_gift_before_thanksgiving_and_a_german_one_does_not()
    {
        var now = new DateTimeOffset(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);
        var american = Loyal().Locale(T0, phone: "+1 212 555 0142");
        var german = Loyal().Locale(T0, phone: "+49 30 1234567");

        var gift = Assert.Single(Decide(american, now, tier: "B").Actions, a => a.Kind == ActionKind.Care);

        Assert.Equal("thanksgiving", gift.Occasion);
        Assert.Equal(("America/New_York", "phone", "US"), (LocalZone.Of(american.State, Policy.Default.Calendar) is var z ? (z.TimeZone, z.Source, z.Region) : default));
        Assert.DoesNotContain(Decide(german, now, tier: "B").Actions, a => a.Kind == ActionKind.Care);
    }

    [Theory]
    [InlineData("Europe/Berlin", "birthday today")]
    [InlineData("America/New_York", "birthday in 1 day(s)")]
    public void The_birthday_is_counted_in_the_customers_time_zone(string zone, string expected)
    {
        // 23:30 UTC on 1 December is already 2 December in Berlin, still 1 December in New York.
        var now = new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero);
        var h = Loyal().Birthday(T0, new DateOnly(1980, 12, 2)).Locale(T0, timeZone: zone);

        var birthday = Assert.Single(Decide(h, now, tier: "B").Actions, a => a.Kind == ActionKind.Birthday);

        Assert.StartsWith(expected, birthday.Reasons[0].Text, StringComparison.Ordinal);
        Assert.Equal("birthday", birthday.Occasion);
    }

    [Fact]
    public void A_birthday_offer_made_this_year_is_not_made_again_for_the_same_birthday()
    {
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var h = Loyal().Birthday(T0, new DateOnly(1980, 12, 3))
            .Offer(now.AddDays(-1), "bd-1", ActionKind.Birthday, "birthdayGreeting", OfferOutcome.Accepted, spend: 5m);

        var decision = Decide(h, now, tier: "B");

        Assert.DoesNotContain(decision.Actions, a => a.Kind == ActionKind.Birthday);
        Assert.Equal("budget.interval", Assert.Single(decision.HeldBack, a => a.Kind == ActionKind.Birthday).Reasons[^1].Rule);
    }

    [Fact]
    public void A_calendar_with_an_unknown_time_zone_a_bad_date_or_a_default_region_it_lacks_is_refused_with_the_paths()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        var json = JsonNode.Parse(stream)!.AsObject();
        json["calendar"]!["defaultRegion"] = "FR";
        json["calendar"]!["regions"]!["DE"]!["timeZone"] = "Europe/Atlantis";
        json["calendar"]!["regions"]!["GB"]!["holidays"]![0]!["date"] = "13-45";
        json["tiers"]!["B"]!["care"]!["occasion"] = "someday";

        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());

        Assert.Null(policy);
        Assert.Equal(
            ["$.calendar.defaultRegion", "$.calendar.regions.DE.timeZone", "$.calendar.regions.GB.holidays[0].date", "$.tiers.B.care.occasion"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }
}
