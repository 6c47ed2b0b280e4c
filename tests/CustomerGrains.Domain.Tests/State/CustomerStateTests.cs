using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Tests.State;

public sealed class CustomerStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private int next;

    private string Id() => $"e{++next}";

    private PurchaseMade Purchase(DateTimeOffset at, decimal amount, string? orderId = null) => new()
    {
        EventId = Id(), CustomerId = "c1", OccurredAt = at, Source = "shop",
        OrderId = orderId ?? $"o{next}", Amount = amount, Currency = "EUR",
    };

    private OrderReturned Return(DateTimeOffset at, string orderId, decimal amount) => new()
    {
        EventId = Id(), CustomerId = "c1", OccurredAt = at, Source = "shop", OrderId = orderId, Amount = amount,
    };

    private CustomerContacted Contact(DateTimeOffset at, Channel channel, int seconds, Emotion? emotion = null) => new()
    {
        EventId = Id(), CustomerId = "c1", OccurredAt = at, Source = "cti", Channel = channel, DurationSeconds = seconds, Emotion = emotion,
    };

    [Fact]
    public void An_event_of_another_customer_is_refused()
    {
        var state = new CustomerState("c2");
        Assert.Throws<ArgumentException>(() => state.Apply(Purchase(T0, 1m)));
        Assert.Equal(0, state.AppliedEvents);
    }

    [Fact]
    public void Repeat_purchases_count_distinct_days_after_the_first()
    {
        var state = new CustomerState("c1");
        state.Apply(Purchase(T0, 10m));
        state.Apply(Purchase(T0.AddHours(3), 15m));       // same day: not a repeat
        state.Apply(Purchase(T0.AddDays(7), 20m));
        state.Apply(Purchase(T0.AddDays(30), 30m));

        var stats = PurchaseStatistics.Of(state, T0.AddDays(40));
        Assert.Equal(4, stats.Purchases);
        Assert.Equal(2, stats.RepeatPurchases);
        Assert.Equal(30, stats.RecencyDays);
        Assert.Equal(40, stats.AgeDays, precision: 9);
        Assert.Equal(50m, stats.RepeatNetSpend);
        Assert.Equal(75m, stats.NetSpend);
    }

    [Fact]
    public void A_late_purchase_that_happened_first_becomes_the_first_purchase()
    {
        var inOrder = new CustomerState("c1");
        var shuffled = new CustomerState("c1");
        var events = new[] { Purchase(T0, 10m), Purchase(T0.AddDays(10), 20m), Purchase(T0.AddDays(20), 40m) };
        foreach (var e in events)
        {
            inOrder.Apply(e);
        }
        foreach (var e in events.Reverse())
        {
            shuffled.Apply(e);
        }
        var now = T0.AddDays(30);
        Assert.Equal(PurchaseStatistics.Of(inOrder, now), PurchaseStatistics.Of(shuffled, now));
        Assert.Equal(T0, shuffled.FirstPurchaseAt);
        Assert.Equal(60m, PurchaseStatistics.Of(shuffled, now).RepeatNetSpend);
    }

    [Fact]
    public void A_return_reduces_the_net_spend_of_its_order_day_even_when_it_arrives_before_the_order()
    {
        var state = new CustomerState("c1");
        state.Apply(Purchase(T0, 100m, "first"));
        state.Apply(Return(T0.AddDays(12), "late-order", 30m));   // the order arrives after its return
        state.Apply(Purchase(T0.AddDays(10), 80m, "late-order"));

        var stats = PurchaseStatistics.Of(state, T0.AddDays(20));
        Assert.Equal(150m, stats.NetSpend);
        Assert.Equal(50m, stats.RepeatNetSpend);
        Assert.Equal(1, stats.Returns);
        Assert.Equal(30m, stats.Returned);
    }

    [Fact]
    public void Contacts_are_counted_per_channel_and_the_latest_mood_wins_regardless_of_arrival()
    {
        var state = new CustomerState("c1");
        state.Apply(Contact(T0.AddDays(2), Channel.Phone, 300, Emotion.Angry));
        state.Apply(Contact(T0.AddDays(1), Channel.Phone, 120, Emotion.Calm));   // older, arrives later
        state.Apply(Contact(T0.AddDays(3), Channel.Email, 0));

        Assert.Equal(new ChannelContacts(2, 420, T0.AddDays(2)), state.Contacts[Channel.Phone]);
        Assert.Equal(1, state.Contacts[Channel.Email].Count);
        Assert.Equal(Emotion.Angry, state.LastEmotion!.Emotion);
    }

    [Fact]
    public void A_complaint_is_open_until_resolved_even_when_the_resolution_arrives_first()
    {
        var state = new CustomerState("c1");
        state.Apply(new ComplaintOpened { EventId = Id(), CustomerId = "c1", OccurredAt = T0, Source = "crm", ComplaintId = "k1", Severity = ComplaintSeverity.High });
        Assert.True(state.OpenComplaints.ContainsKey("k1"));
        state.Apply(new ComplaintResolved { EventId = Id(), CustomerId = "c1", OccurredAt = T0.AddDays(1), Source = "crm", ComplaintId = "k1", Satisfied = true });
        Assert.Empty(state.OpenComplaints);

        state.Apply(new ComplaintResolved { EventId = Id(), CustomerId = "c1", OccurredAt = T0.AddDays(5), Source = "crm", ComplaintId = "k2" });
        state.Apply(new ComplaintOpened { EventId = Id(), CustomerId = "c1", OccurredAt = T0.AddDays(4), Source = "crm", ComplaintId = "k2", Severity = ComplaintSeverity.Low });
        Assert.Empty(state.OpenComplaints);
        Assert.Equal(2, state.ComplaintCount);

        var summary = CustomerSummary.Of(state, T0.AddDays(6));
        Assert.Empty(summary.OpenComplaints);
    }

    [Fact]
    public void An_open_complaint_shows_its_age()
    {
        var state = new CustomerState("c1");
        state.Apply(new ComplaintOpened { EventId = Id(), CustomerId = "c1", OccurredAt = T0, Source = "crm", ComplaintId = "k1", Severity = ComplaintSeverity.Medium });
        var complaint = Assert.Single(CustomerSummary.Of(state, T0.AddDays(3.5)).OpenComplaints);
        Assert.Equal(3.5, complaint.AgeDays, precision: 9);
    }

    [Fact]
    public void An_older_profile_change_does_not_overwrite_a_newer_one()
    {
        var state = new CustomerState("c1");
        state.Apply(new ProfileChanged
        {
            EventId = Id(), CustomerId = "c1", OccurredAt = T0.AddDays(2), Source = "web", Email = "new@example.com",
            Consents = ImmutableDictionary<ConsentChannel, bool>.Empty.Add(ConsentChannel.Email, false),
        });
        state.Apply(new ProfileChanged
        {
            EventId = Id(), CustomerId = "c1", OccurredAt = T0, Source = "import", Email = "old@example.com", Name = "Ada",
            Consents = ImmutableDictionary<ConsentChannel, bool>.Empty.Add(ConsentChannel.Email, true).Add(ConsentChannel.Sms, true),
        });

        Assert.Equal("new@example.com", state.Email!.Value);
        Assert.Equal("Ada", state.Name!.Value);
        Assert.False(state.HasConsent(ConsentChannel.Email, ConsentPurpose.Offers));
        Assert.True(state.HasConsent(ConsentChannel.Sms, ConsentPurpose.Care));
        Assert.False(state.HasConsent(ConsentChannel.Phone, ConsentPurpose.Offers));
    }

    [Fact]
    public void Stated_preferences_remember_their_source_and_time()
    {
        var state = new CustomerState("c1");
        state.Apply(new ProfileChanged
        {
            EventId = Id(), CustomerId = "c1", OccurredAt = T0, Source = "hotel-desk",
            Preferences = ImmutableDictionary<string, string>.Empty.Add("drink", "carrot juice").Add("pillow", "soft"),
        });
        state.SetPreference("pillow", "firm", "agent:a7", T0.AddDays(1));
        state.SetPreference("drink", "water", "agent:a7", T0.AddDays(-1));   // older statement loses

        Assert.Equal(new StatedPreference("carrot juice", "hotel-desk", T0), state.Preferences["drink"]);
        Assert.Equal(new StatedPreference("firm", "agent:a7", T0.AddDays(1)), state.Preferences["pillow"]);
    }

    [Fact]
    public void Survey_answers_keep_the_latest_score_per_dimension_and_nps()
    {
        var state = new CustomerState("c1");
        SurveyAnswered Survey(DateTimeOffset at, double experience, int nps) => new()
        {
            EventId = Id(), CustomerId = "c1", OccurredAt = at, Source = "survey",
            Dimensions = ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty.Add(ExperienceDimension.Service, new SurveyScore(8, experience, 9)),
            Nps = nps,
        };
        state.Apply(Survey(T0.AddDays(5), 3, 2));
        state.Apply(Survey(T0, 9, 9));
        Assert.Equal(3, state.Experience[ExperienceDimension.Service].Experience);
        Assert.Equal(2, state.LastNps!.Score);
    }

    [Fact]
    public void Engagements_and_a_cancellation_are_recorded()
    {
        var state = new CustomerState("c1");
        state.Apply(new EngagementRecorded { EventId = Id(), CustomerId = "c1", OccurredAt = T0, Source = "web", Kind = EngagementKind.WebVisit });
        state.Apply(new EngagementRecorded { EventId = Id(), CustomerId = "c1", OccurredAt = T0.AddDays(1), Source = "web", Kind = EngagementKind.WebVisit });
        state.Apply(new CustomerCancelled { EventId = Id(), CustomerId = "c1", OccurredAt = T0.AddDays(2), Source = "crm", Reason = "moved" });

        Assert.Equal(2, state.Engagements[EngagementKind.WebVisit]);
        Assert.Equal(new CancellationNote("moved", T0.AddDays(2)), state.Cancellation);
        Assert.Equal(T0, state.FirstEventAt);
        Assert.Equal(T0.AddDays(2), state.LastEventAt);
    }
}
