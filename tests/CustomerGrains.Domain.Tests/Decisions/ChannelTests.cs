using System.Text.Json.Nodes;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>The contact's channel changes the service level, the routing priority and the actions, as the policy's channel rules say.</summary>
public sealed class ChannelTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(8 * 30 + 1);

    /// <summary>A stable customer: monthly book purchases for eight months, consenting to e-mail, post and phone.</summary>
    private static History Stable()
    {
        var h = new History();
        for (var i = 0; i < 9; i++)
        {
            h.Purchase(T0.AddDays(i * 30), channel: Channel.Web, lines: [new PurchaseLine("books", 1, 100m)]);
        }
        return h.Consent(T0, ConsentChannel.Post).Consent(T0, ConsentChannel.Email).Consent(T0, ConsentChannel.Phone);
    }

    private static Decision Decide(History h, Channel channel, string tier = "A", double percentile = 0.9, Policy? policy = null)
    {
        var lifecycle = LifecycleEvaluator.Evaluate(h.State, Now, 0.95, new LifecycleOptions());
        h.State.RecordStage(lifecycle, Now);
        var own = NeedProfile.Of(h.State, Now, new NeedOptions(), null).Traits;
        var needs = NeedProfile.Of(h.State, Now, new NeedOptions(), new SegmentAverages("near", own));
        var value = new ValueView(0.95, 900m, 1000m, tier, percentile);
        return DecisionEngine.Decide(h.State, value, lifecycle, needs, new DecisionContext(channel, null, Now), policy ?? Policy.Default);
    }

    [Fact]
    public void A_platinum_customer_on_the_phone_gets_the_senior_agent_and_by_email_an_answer_within_four_hours()
    {
        var h = Stable();

        var phone = Decide(h, Channel.Phone);
        var email = Decide(h, Channel.Email);

        Assert.Equal((Channel.Phone, "dedicatedSeniorAgent", 1), (phone.Channel, phone.Service.ServiceLevel, phone.Service.RoutingPriority));
        Assert.DoesNotContain(phone.Service.Reasons, r => r.Rule.StartsWith("service.channel", StringComparison.Ordinal));
        Assert.Equal((Channel.Email, "replyWithin4Hours"), (email.Channel, email.Service.ServiceLevel));
        var reason = Assert.Single(email.Service.Reasons, r => r.Rule == "service.channel");
        Assert.Equal("in touch by email: tier A is served as replyWithin4Hours on this channel", reason.Text);
    }

    [Fact]
    public void A_stable_customer_writing_an_email_gets_no_cross_sell_but_on_the_phone_does()
    {
        var h = Stable();

        var phone = Decide(h, Channel.Phone);
        var email = Decide(h, Channel.Email);

        Assert.Equal(LifecycleStage.Stability, phone.Stage);
        Assert.Contains(phone.Actions, a => a.Kind == ActionKind.CrossSell && a.Category == "books");
        Assert.DoesNotContain(email.Actions, a => a.Kind == ActionKind.CrossSell);
        var held = Assert.Single(email.HeldBack, a => a.Kind == ActionKind.CrossSell);
        Assert.Equal(["action.crossSell", "channel.hold"], held.Reasons.Select(r => r.Rule));
        Assert.Contains("no crossSell offer in a contact by email", held.Reasons[1].Text, StringComparison.Ordinal);
        // The care action is not held on e-mail: the channel holds only what the policy lists.
        Assert.Equal(phone.Actions.Any(a => a.Kind == ActionKind.Care), email.Actions.Any(a => a.Kind == ActionKind.Care));
    }

    [Fact]
    public void A_silver_customer_at_the_store_counter_is_served_one_level_sooner_at_the_standard_counter()
    {
        var h = Stable();

        var phone = Decide(h, Channel.Phone, tier: "C", percentile: 0.3);
        var store = Decide(h, Channel.Store, tier: "C", percentile: 0.3);

        Assert.Equal(("standard", 3), (phone.Service.ServiceLevel, phone.Service.RoutingPriority));
        Assert.Equal(("standardCounter", 2), (store.Service.ServiceLevel, store.Service.RoutingPriority));
        Assert.Equal("in touch by store: the channel raises the priority by 1 to 2",
            Assert.Single(store.Service.Reasons, r => r.Rule == "service.channel.priority").Text);
    }

    [Fact]
    public void A_channel_the_policy_does_not_name_is_served_like_the_tier_says()
    {
        var h = Stable();

        var web = Decide(h, Channel.Web, tier: "B", percentile: 0.6);

        Assert.Equal(("priorityQueue", 2, Channel.Web), (web.Service.ServiceLevel, web.Service.RoutingPriority, web.Channel));
        Assert.DoesNotContain(web.HeldBack, a => a.Reasons.Any(r => r.Rule == "channel.hold"));
    }

    [Fact]
    public void A_policy_without_channel_rules_serves_every_channel_alike()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        var json = JsonNode.Parse(stream)!.AsObject();
        json.Remove("channels");
        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());
        Assert.Empty(errors);
        var h = Stable();

        var email = Decide(h, Channel.Email, policy: policy);

        Assert.Empty(policy!.Channels);
        Assert.Equal(("dedicatedSeniorAgent", 1), (email.Service.ServiceLevel, email.Service.RoutingPriority));
        Assert.Contains(email.Actions, a => a.Kind == ActionKind.CrossSell);
    }

    [Fact]
    public void Channel_rules_with_an_unknown_channel_tier_action_or_boost_are_refused_with_the_paths()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        var json = JsonNode.Parse(stream)!.AsObject();
        json["channels"]!["fax"] = new JsonObject();
        json["channels"]!["email"]!["serviceLevels"]!["E"] = "never";
        json["channels"]!["email"]!["hold"] = new JsonArray("crossSell", "upsell");
        json["channels"]!["store"]!["priorityBoost"] = 12;
        json["channels"]!["chat"]!["serviceLevels"]!["A"] = "";

        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());

        Assert.Null(policy);
        Assert.Equal(
            ["$.channels.chat.serviceLevels.A", "$.channels.email.hold[1]", "$.channels.email.serviceLevels.E", "$.channels.fax", "$.channels.store.priorityBoost"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }
}
