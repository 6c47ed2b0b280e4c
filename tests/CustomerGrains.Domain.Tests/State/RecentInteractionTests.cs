using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Tests.State;

public sealed class RecentInteractionTests
{
    private static readonly DateTimeOffset T0 = History.T0;

    [Fact]
    public void The_latest_interactions_are_kept_newest_first_and_bounded()
    {
        var history = new History();
        for (var i = 0; i < CustomerState.RecentInteractionLimit + 5; i++)
        {
            history.Purchase(T0.AddDays(i), amount: 10 + i);
        }
        var recent = history.State.RecentInteractions;
        Assert.Equal(CustomerState.RecentInteractionLimit, recent.Count);
        Assert.Equal(T0.AddDays(CustomerState.RecentInteractionLimit + 4), recent[0].At);
        Assert.True(recent.Zip(recent.Skip(1)).All(p => p.First.At >= p.Second.At));
    }

    [Fact]
    public void A_late_event_lands_in_its_place_and_one_older_than_all_kept_is_dropped()
    {
        var history = new History();
        for (var i = 0; i < CustomerState.RecentInteractionLimit; i++)
        {
            history.Purchase(T0.AddDays(i * 2));
        }
        history.Apply(new NoteAdded { EventId = "late", CustomerId = "c-1", OccurredAt = T0.AddDays(17), Source = "desk", Text = "called back" });
        history.Apply(new NoteAdded { EventId = "ancient", CustomerId = "c-1", OccurredAt = T0.AddDays(-30), Source = "desk", Text = "old" });

        var recent = history.State.RecentInteractions;
        Assert.Equal(CustomerState.RecentInteractionLimit, recent.Count);
        Assert.Equal("late", recent[1].EventId);
        Assert.DoesNotContain(recent, r => r.EventId == "ancient");
    }

    [Fact]
    public void Each_interaction_reads_as_one_line_an_agent_understands()
    {
        var history = new History()
            .Purchase(T0, 120.5m, lines: new PurchaseLine("books", 1, 120.5m))
            .Apply(new CustomerContacted
            {
                EventId = "c", CustomerId = "c-1", OccurredAt = T0.AddDays(1), Source = "cti", Channel = Channel.Phone,
                Reason = "billing", DurationSeconds = 240, Emotion = Emotion.Angry,
            })
            .Apply(new ComplaintOpened { EventId = "k", CustomerId = "c-1", OccurredAt = T0.AddDays(2), Source = "crm", ComplaintId = "k-1", Severity = ComplaintSeverity.High })
            .Apply(new NoteAdded { EventId = "n", CustomerId = "c-1", OccurredAt = T0.AddDays(3), Source = "desk", Text = "prefers mornings", AgentId = "a-7" })
            .Apply(new ProfileChanged { EventId = "p", CustomerId = "c-1", OccurredAt = T0.AddDays(4), Source = "crm", Phones = ["+12125550142"] });

        Assert.Equal(
        [
            "profile changed: phones",
            "note by a-7: prefers mornings",
            "complaint k-1 opened (high)",
            "phone contact about billing, 4 min, angry",
            "purchase o-1: 120.5 EUR, books",
        ], history.State.RecentInteractions.Select(r => r.Summary));
    }

    [Fact]
    public void A_note_changes_nothing_but_the_latest_interactions()
    {
        var history = new History().Purchase(T0);
        var spend = history.State.NetSpend;
        history.Apply(new NoteAdded { EventId = "n", CustomerId = "c-1", OccurredAt = T0.AddDays(1), Source = "desk", Text = "nice" });
        Assert.Equal(spend, history.State.NetSpend);
        Assert.Equal("note", history.State.RecentInteractions[0].Type);
        Assert.Equal(2, history.State.AppliedEvents);
    }
}
