using System.Text.Json.Nodes;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

public sealed class PolicyJsonTests
{
    private static JsonObject DefaultJson()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static IReadOnlyList<PolicyError> Errors(JsonObject json)
    {
        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());
        Assert.Null(policy);
        return errors;
    }

    [Fact]
    public void The_default_policy_parses_without_errors()
    {
        var (policy, errors) = PolicyJson.Parse(DefaultJson().ToJsonString());

        Assert.Empty(errors);
        Assert.NotNull(policy);
        Assert.Equal(Policy.Default.Version, policy.Version);
        Assert.Equal(["A", "B", "C", "D"], policy.Tiers.Keys.Order());
        Assert.Equal(("dedicatedSeniorAgent", 1), (policy.Tiers["A"].ServiceLevel, policy.Tiers["A"].RoutingPriority));
        Assert.Null(policy.Tiers["D"].Care);
        Assert.Equal(Enum.GetValues<Emotion>().Order(), policy.Recovery.Scripts.Keys.Order());
        Assert.Equal("angry-customer-recovery", policy.Recovery.Scripts[Emotion.Angry].Script);
        Assert.Equal([Channel.Web, Channel.Phone, Channel.Email, Channel.App], policy.Capabilities.Channels);
    }

    [Fact]
    public void Text_that_is_not_json_is_one_error_at_the_root()
    {
        var (policy, errors) = PolicyJson.Parse("{ \"version\": ");

        Assert.Null(policy);
        Assert.Equal("$", Assert.Single(errors).Path);
    }

    [Fact]
    public void A_root_that_is_not_an_object_is_refused()
    {
        var (policy, errors) = PolicyJson.Parse("[]");

        Assert.Null(policy);
        Assert.Equal(new PolicyError("$", "must be an object"), Assert.Single(errors));
    }

    [Fact]
    public void Every_error_is_reported_with_its_path()
    {
        var json = DefaultJson();
        json["version"] = "";
        json["tiers"]!.AsObject().Remove("C");
        json["tiers"]!["A"]!["serviceLevel"] = 5;
        json["tiers"]!["A"]!["colour"] = "gold";
        json["tiers"]!["E"] = new JsonObject();
        json["recovery"]!["scripts"]!.AsObject().Remove("angry");
        json["recovery"]!["maxAgeDays"] = 0;
        json["complaints"]!["compensationMinSeverity"] = "dreadful";
        json["retention"]!["tiers"] = new JsonArray("A", "Z");
        json["marketing"]!["highIndividuality"] = 1.5;
        json["capabilities"]!["channels"] = new JsonArray("web", "fax");
        json.Remove("birthday");

        var errors = Errors(json);

        Assert.Equal(
            new[]
            {
                "$.version", "$.tiers.E", "$.tiers.A.serviceLevel", "$.tiers.A.colour", "$.tiers.C",
                "$.recovery.scripts.angry", "$.recovery.maxAgeDays", "$.complaints.compensationMinSeverity",
                "$.retention.tiers[1]", "$.birthday", "$.marketing.highIndividuality", "$.capabilities.channels[1]",
            }.Order(),
            errors.Select(e => e.Path).Order());
        Assert.Equal("must be one of low, medium, high, critical", errors.Single(e => e.Path == "$.complaints.compensationMinSeverity").Reason);
        Assert.Equal("is required", errors.Single(e => e.Path == "$.tiers.C").Reason);
        Assert.StartsWith("unknown property", errors.Single(e => e.Path == "$.tiers.A.colour").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lower_tier_may_not_be_served_before_a_higher_one()
    {
        var json = DefaultJson();
        json["tiers"]!["B"]!["routingPriority"] = 5;

        var error = Assert.Single(Errors(json));

        Assert.Equal("$.tiers.C.routingPriority", error.Path);
    }

    [Fact]
    public void A_tier_without_care_says_so_with_null_but_may_not_leave_it_out()
    {
        var json = DefaultJson();
        json["tiers"]!["D"]!.AsObject().Remove("care");

        Assert.Equal("$.tiers.D.care", Assert.Single(Errors(json)).Path);
    }

    [Fact]
    public void A_changed_policy_changes_the_decision_without_a_redeploy()
    {
        var json = DefaultJson();
        json["version"] = "2027-01-01.1";
        json["recovery"]!["scripts"]!["angry"]!["script"] = "angry-customer-callback";
        var (policy, errors) = PolicyJson.Parse(json.ToJsonString());
        Assert.Empty(errors);
        var h = new History().Purchase(T0).Contact(T0.AddHours(1), Channel.Phone, Emotion.Angry);
        var now = T0.AddDays(1);

        var decision = DecisionEngine.Decide(h.State, new ValueView(0.9, 100m, 120m, "C", 0.4),
            LifecycleEvaluator.Evaluate(h.State, now, 0.9, new LifecycleOptions()),
            NeedProfile.Of(h.State, now, new NeedOptions(), null),
            new DecisionContext(Channel.Phone, null, now), policy!);

        Assert.Equal(("angry-customer-callback", "2027-01-01.1"), (decision.Treatment.RecoveryScript, decision.PolicyVersion));
    }
}
