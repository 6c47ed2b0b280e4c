using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Tests.Events;

public sealed class RetentionShreddingTests
{
    private static readonly DateTimeOffset T0 = History.T0;
    private static readonly DateTimeOffset Cutoff = T0.AddDays(100);

    private static IReadOnlyList<InteractionEvent> Story() =>
    [
        Profile("p1", T0, name: "Old Name", phones: ["+4930111111"], email: "kept@example.org", preferences: new() { ["contact"] = "evenings", ["size"] = "M" },
            consents: ImmutableDictionary<ConsentChannel, bool>.Empty.Add(ConsentChannel.Email, true)),
        new PurchaseMade { EventId = "o1", CustomerId = "c-1", OccurredAt = T0.AddDays(1), Source = "shop", OrderId = "order-1", Amount = 120m, Currency = "EUR",
            Lines = [new PurchaseLine("books", 2, 60m)], Reason = "gift" },
        new NoteAdded { EventId = "n1", CustomerId = "c-1", OccurredAt = T0.AddDays(2), Source = "desk", AgentId = "agent1", Text = "old secret" },
        new OrderReturned { EventId = "r1", CustomerId = "c-1", OccurredAt = T0.AddDays(3), Source = "shop", OrderId = "order-1", Amount = 60m, Reason = "too small" },
        Profile("p2", T0.AddDays(150), name: "New Name", phones: ["+4930222222"], preferences: new() { ["contact"] = "mornings" }),
        new PurchaseMade { EventId = "o2", CustomerId = "c-1", OccurredAt = T0.AddDays(151), Source = "shop", OrderId = "order-2", Amount = 80m, Currency = "EUR" },
        new NoteAdded { EventId = "n2", CustomerId = "c-1", OccurredAt = T0.AddDays(152), Source = "desk", AgentId = "agent1", Text = "new secret" },
    ];

    [Fact]
    public void Old_notes_lose_their_text_and_old_profile_changes_the_contact_data_a_later_change_replaced()
    {
        var story = Story();

        var shredded = RetentionShredding.Shred(story, Cutoff, Cutoff).ToDictionary(x => story[x.Index].EventId, x => x.Shredded);

        Assert.Equal(["n1", "p1"], shredded.Keys.Order());
        var note = Assert.IsType<NoteAdded>(shredded["n1"]);
        Assert.Equal(RetentionShredding.ShreddedText, note.Text);
        Assert.Equal("agent1", note.AgentId);
        var profile = Assert.IsType<ProfileChanged>(shredded["p1"]);
        Assert.Null(profile.Name);
        Assert.Null(profile.Phones);
        Assert.Equal("kept@example.org", profile.Email);
        Assert.Equal(["size"], profile.Preferences!.Keys);
        Assert.True(profile.Consents![ConsentChannel.Email]);
        Assert.Equal(T0, profile.OccurredAt);
    }

    [Fact]
    public void The_state_rebuilt_from_the_shredded_history_has_every_figure_of_the_original()
    {
        var story = Story();
        var shredded = story.ToList();
        foreach (var (index, left) in RetentionShredding.Shred(story, Cutoff, Cutoff))
        {
            shredded[index] = left;
        }

        var original = Build(story);
        var rebuilt = Build(shredded);

        Assert.Equal(WithoutRecent(original), WithoutRecent(rebuilt));
        Assert.DoesNotContain("old secret", JsonSerializer.Serialize(rebuilt), StringComparison.Ordinal);
        Assert.DoesNotContain("Old Name", JsonSerializer.Serialize(rebuilt), StringComparison.Ordinal);
        Assert.Equal("New Name", rebuilt.Name!.Value);
        Assert.Equal("kept@example.org", rebuilt.Email!.Value);
    }

    [Fact]
    public void A_profile_in_force_a_tie_and_what_is_already_shredded_are_left_as_they_are()
    {
        var inForce = Profile("p1", T0, name: "Only Name", phones: ["+4930111111"]);
        var tie = Profile("p2", T0, name: "Same Moment", phones: null);
        Assert.Empty(RetentionShredding.Shred([inForce], Cutoff, Cutoff));
        Assert.Empty(RetentionShredding.Shred([inForce, tie], Cutoff, Cutoff));

        var story = Story().ToList();
        foreach (var (index, left) in RetentionShredding.Shred(story, Cutoff, Cutoff))
        {
            story[index] = left;
        }
        Assert.Empty(RetentionShredding.Shred(story, Cutoff, Cutoff));
        Assert.Empty(RetentionShredding.Shred(Story(), null, null));
    }

    [Fact]
    public void A_redescribed_note_reads_as_what_is_left_of_it_and_no_figure_changes()
    {
        var story = Story();
        var state = Build(story);
        var before = WithoutRecent(state);
        var (index, left) = RetentionShredding.Shred(story, null, Cutoff).Single();

        Assert.True(state.Redescribe(left));
        Assert.False(state.Redescribe(left));
        Assert.Equal(before, WithoutRecent(state));
        Assert.Equal("note by agent1: [erased]", state.RecentInteractions.Single(r => r.EventId == story[index].EventId).Summary);
    }

    private static ProfileChanged Profile(string id, DateTimeOffset at, string? name = null, string[]? phones = null, string? email = null,
        Dictionary<string, string>? preferences = null, ImmutableDictionary<ConsentChannel, bool>? consents = null) => new()
    {
        EventId = id, CustomerId = "c-1", OccurredAt = at, Source = "crm", Name = name, Email = email, Consents = consents,
        Phones = phones is null ? null : [.. phones], Preferences = preferences?.ToImmutableDictionary(),
    };

    private static CustomerState Build(IEnumerable<InteractionEvent> events)
    {
        var state = new CustomerState("c-1");
        foreach (var e in events)
        {
            state.Apply(e);
        }
        return state;
    }

    /// <summary>
    /// The state's stored facts without its recent interactions, with every object's keys sorted: the order in which a
    /// dictionary met its keys (an event's preferences come in hash order, which changes from process to process) is not a figure.
    /// </summary>
    private static string WithoutRecent(CustomerState state)
    {
        var node = JsonNode.Parse(JsonSerializer.Serialize(state))!.AsObject();
        node.Remove(nameof(CustomerState.RecentInteractions));
        return Sorted(node)!.ToJsonString();
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
