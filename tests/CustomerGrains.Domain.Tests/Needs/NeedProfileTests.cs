using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Needs;

public sealed class NeedProfileTests
{
    private static readonly NeedOptions Options = new();

    private static NeedProfileView Profile(History h, DateTimeOffset now, SegmentAverages? segment = null) =>
        NeedProfile.Of(h.State, now, Options, segment);

    private static PurchaseLine Line(string category, int quantity = 1, decimal unitPrice = 10m) => new(category, quantity, unitPrice);

    [Fact]
    public void Category_affinity_fades_with_its_half_life_so_a_recent_interest_outranks_an_old_one()
    {
        var h = new History()
            .Purchase(T0, lines: [Line("books"), Line("books"), Line("books")])
            .Purchase(T0.AddDays(200), lines: [Line("music")]);

        var profile = Profile(h, T0.AddDays(200));

        Assert.Equal(["music", "books"], profile.Categories.Select(c => c.Category));
        Assert.Equal(3 * Math.Pow(0.5, 200 / 90d), profile.Categories[1].Score, 6);
        Assert.Equal(1, profile.Categories.Sum(c => c.Share), 9);
    }

    [Fact]
    public void Category_affinity_keeps_fading_without_events_and_does_not_depend_on_arrival_order()
    {
        var inOrder = new History().Purchase(T0, lines: [Line("garden")]).Engagement(T0.AddDays(30), EngagementKind.WebVisit, "garden");
        var late = new History().Engagement(T0.AddDays(30), EngagementKind.WebVisit, "garden").Purchase(T0, lines: [Line("garden")]);

        var soon = Profile(inOrder, T0.AddDays(30)).Categories[0].Score;
        var later = Profile(inOrder, T0.AddDays(120)).Categories[0].Score;

        Assert.Equal(Math.Pow(0.5, 30 / 90d) + 0.25, soon, 9);
        Assert.Equal(soon / 2, later, 9);
        Assert.Equal(soon, Profile(late, T0.AddDays(30)).Categories[0].Score, 9);
    }

    [Fact]
    public void Only_the_strongest_categories_are_listed()
    {
        var h = new History().Purchase(T0, lines: [.. Enumerable.Range(0, 8).Select(i => Line($"cat-{i}", 1))]);

        Assert.Equal(Options.TopCategories, Profile(h, T0).Categories.Count);
    }

    [Fact]
    public void The_preferred_contact_hour_and_weekday_come_from_contacts_and_engagements()
    {
        var tuesdayEvening = new DateTimeOffset(2026, 1, 6, 19, 30, 0, TimeSpan.Zero);
        var h = new History()
            .Contact(tuesdayEvening, Channel.Chat)
            .Contact(tuesdayEvening.AddDays(7), Channel.Phone)
            .Engagement(tuesdayEvening.AddDays(14).AddMinutes(10), EngagementKind.EmailOpen)
            .Contact(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), Channel.Phone);

        var profile = Profile(h, tuesdayEvening.AddDays(20));

        Assert.Equal(19, profile.PreferredHour);
        Assert.Equal(DayOfWeek.Tuesday, profile.PreferredWeekday);
        Assert.Equal(4, profile.ContactObservations);
    }

    [Fact]
    public void The_preferred_channel_counts_contacts_purchases_and_engagements()
    {
        var h = new History()
            .Contact(T0, Channel.Phone)
            .Purchase(T0.AddDays(1), channel: Channel.Web)
            .Purchase(T0.AddDays(2), channel: Channel.Web)
            .Engagement(T0.AddDays(3), EngagementKind.WebVisit)
            .Engagement(T0.AddDays(3), EngagementKind.AppSession);

        var profile = Profile(h, T0.AddDays(4));

        Assert.Equal(Channel.Web, profile.PreferredChannel);
        Assert.Equal(0.6, profile.ChannelShares[Channel.Web], 9);
        Assert.Equal(0.2, profile.ChannelShares[Channel.App], 9);
    }

    [Fact]
    public void Basket_size_is_items_per_order_that_listed_its_lines()
    {
        var h = new History()
            .Purchase(T0, amount: 50, lines: [Line("books", 2), Line("music", 3)])
            .Purchase(T0.AddDays(5), amount: 10, lines: [Line("books", 1)])
            .Purchase(T0.AddDays(9), amount: 30);

        var profile = Profile(h, T0.AddDays(10));

        Assert.Equal(3, profile.AverageBasketItems);
        Assert.Equal(30m, profile.AverageOrderValue);
    }

    [Fact]
    public void Price_sensitivity_is_the_share_and_depth_of_discounted_purchases()
    {
        var h = new History()
            .Purchase(T0, amount: 80, discount: 20)
            .Purchase(T0.AddDays(1), amount: 60, discount: 40)
            .Purchase(T0.AddDays(2), amount: 100)
            .Purchase(T0.AddDays(3), amount: 100);

        var price = Profile(h, T0.AddDays(4)).Price;

        Assert.Equal(0.5, price.DiscountedShare);
        Assert.Equal(0.3, price.AverageDepth, 9);
        Assert.Equal(PriceSensitivityLevel.High, price.Level);
    }

    [Fact]
    public void A_customer_who_never_uses_discounts_is_not_price_sensitive()
    {
        var price = Profile(new History().Purchases(T0, 5, 7), T0.AddDays(40)).Price;

        Assert.Equal((0d, PriceSensitivityLevel.Low), (price.DiscountedShare, price.Level));
    }

    [Fact]
    public void The_preferred_payment_method_is_the_one_used_most()
    {
        var h = new History()
            .Purchase(T0, payment: PaymentMethod.Invoice)
            .Purchase(T0.AddDays(1), payment: PaymentMethod.Card)
            .Purchase(T0.AddDays(2), payment: PaymentMethod.Card);

        Assert.Equal(PaymentMethod.Card, Profile(h, T0.AddDays(3)).PreferredPayment);
    }

    [Fact]
    public void Inter_purchase_time_has_the_mean_spread_and_longest_gap_and_a_late_purchase_splits_its_gap()
    {
        var h = new History().Purchase(T0).Purchase(T0.AddDays(10)).Purchase(T0.AddDays(30));

        var before = Profile(h, T0.AddDays(40)).InterPurchase;
        var after = Profile(h.Purchase(T0.AddDays(20)), T0.AddDays(40)).InterPurchase;

        Assert.Equal((15d, 5d, 20, 10d), (before.MeanGapDays!.Value, before.GapStdDevDays!.Value, before.LongestGapDays!.Value, before.DaysSinceLastPurchase!.Value));
        Assert.Equal((10d, 0d, 10), (after.MeanGapDays!.Value, after.GapStdDevDays!.Value, after.LongestGapDays!.Value));
    }

    [Fact]
    public void A_single_purchase_has_no_inter_purchase_time_yet()
    {
        var rhythm = Profile(new History().Purchase(T0), T0.AddDays(3)).InterPurchase;

        Assert.Equal((null, null, 3d), (rhythm.MeanGapDays, rhythm.LongestGapDays, rhythm.DaysSinceLastPurchase));
    }

    [Fact]
    public void Stated_preferences_are_remembered_with_their_source()
    {
        var profile = Profile(new History().Preference(T0, "drink", "carrot juice"), T0.AddDays(1));

        var drink = profile.Preferences["drink"];
        Assert.Equal(("carrot juice", "front-desk"), (drink.Value, drink.Source));
    }

    [Fact]
    public void The_key_experience_is_the_dimension_with_the_worst_importance_weighted_gap()
    {
        var h = new History()
            .Survey(T0, ExperienceDimension.Service, expectation: 6, experience: 5, importance: 9)
            .Survey(T0.AddDays(30), ExperienceDimension.Service, expectation: 8, experience: 4, importance: 9)
            .Survey(T0.AddDays(30), ExperienceDimension.Price, expectation: 9, experience: 4, importance: 2)
            .Survey(T0.AddDays(30), ExperienceDimension.Product, expectation: 5, experience: 8, importance: 8);

        var profile = Profile(h, T0.AddDays(31));

        Assert.Equal(3, profile.ExperienceGaps.Count);
        var key = profile.KeyExperience!;
        Assert.Equal(ExperienceDimension.Service, key.Dimension);
        Assert.Equal((-4d, -3.6), (key.Gap, key.WeightedGap));
        Assert.Equal(-2.7, key.Change!.Value, 9);
        Assert.Null(profile.ExperienceGaps.Single(g => g.Dimension == ExperienceDimension.Price).Change);
    }

    [Fact]
    public void The_last_emotion_and_the_open_complaints_with_their_age_are_shown()
    {
        var h = new History()
            .Contact(T0, Channel.Phone, Emotion.Anxious)
            .Contact(T0.AddDays(2), Channel.Chat, Emotion.Suspicious)
            .ComplaintOpened(T0.AddDays(1), "k-1")
            .ComplaintOpened(T0.AddDays(3), "k-2")
            .ComplaintResolved(T0.AddDays(4), "k-2");

        var profile = Profile(h, T0.AddDays(6));

        Assert.Equal(Emotion.Suspicious, profile.LastEmotion!.Emotion);
        var open = Assert.Single(profile.OpenComplaints);
        Assert.Equal(("k-1", 5d), (open.ComplaintId, open.AgeDays));
    }

    [Fact]
    public void Individuality_is_null_without_a_segment_zero_for_a_typical_customer_and_grows_with_difference()
    {
        var h = new History().Purchase(T0, channel: Channel.Web, lines: [Line("books")]).Contact(T0.AddHours(2), Channel.Web);
        var own = Profile(h, T0.AddDays(1));
        var typical = new SegmentAverages("urban", own.Traits);
        var different = new SegmentAverages("rural", new Dictionary<string, double>
        {
            ["channel.phone"] = 1, ["category.garden"] = 1, ["daypart.evening"] = 1, ["time.weekend"] = 1,
            ["price.discountShare"] = 1, ["price.discountDepth"] = 0.5, ["basket.size"] = 0.9,
        });
        var halfway = new SegmentAverages("mixed", own.Traits.ToDictionary(t => t.Key, t => t.Value / 2));

        Assert.Null(own.Individuality);
        Assert.Equal(0, Profile(h, T0.AddDays(1), typical).Individuality);
        var far = Profile(h, T0.AddDays(1), different).Individuality!.Value;
        var near = Profile(h, T0.AddDays(1), halfway).Individuality!.Value;
        Assert.InRange(far, 0.8, 1);
        Assert.InRange(near, 0.05, far - 0.2);
    }

    [Fact]
    public void The_need_statistics_do_not_depend_on_arrival_order()
    {
        var history = new History()
            .Purchase(T0, amount: 40, discount: 10, payment: PaymentMethod.Card, channel: Channel.Web, lines: [Line("books", 2)])
            .Purchase(T0.AddDays(12), payment: PaymentMethod.Invoice, lines: [Line("music")])
            .Purchase(T0.AddDays(40), channel: Channel.Store, lines: [Line("books")])
            .Contact(T0.AddDays(3).AddHours(8), Channel.Phone, Emotion.Calm)
            .Engagement(T0.AddDays(20), EngagementKind.EmailOpen, "music")
            .Survey(T0.AddDays(5), ExperienceDimension.Service, 7, 5, 8)
            .Survey(T0.AddDays(30), ExperienceDimension.Service, 7, 3, 8);
        var events = history.State.AppliedEvents;
        var replayed = new Domain.State.CustomerState("c-1");
        var log = history.Events;
        foreach (var e in log.AsEnumerable().Reverse())
        {
            replayed.Apply(e);
        }

        var expected = Profile(history, T0.AddDays(50));
        var actual = NeedProfile.Of(replayed, T0.AddDays(50), Options, null);

        Assert.Equal(events, replayed.AppliedEvents);
        Assert.Equal(expected.Traits.Keys.Order(), actual.Traits.Keys.Order());
        foreach (var (trait, value) in expected.Traits)
        {
            Assert.Equal(value, actual.Traits[trait], 9);
        }
        Assert.Equal(expected.InterPurchase, actual.InterPurchase);
        Assert.Equal((expected.PreferredPayment, expected.PreferredHour, expected.AverageBasketItems), (actual.PreferredPayment, actual.PreferredHour, actual.AverageBasketItems));
        Assert.Equal(expected.KeyExperience, actual.KeyExperience);
    }

    [Fact]
    public void Options_report_every_problem_at_once()
    {
        var errors = new NeedOptions { TopCategories = 0, BasketScale = -1, MediumDiscountShare = 0.8, HighDiscountShare = 0.5 }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Empty(new NeedOptions().Validate());
    }
}
