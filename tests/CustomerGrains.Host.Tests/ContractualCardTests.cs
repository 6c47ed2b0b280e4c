using System.Net;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>Subscription events over real HTTP: refused with the field named when bad, and a subscriber's contract on the card and in explain.</summary>
[Collection(HostCollection.Name)]
public sealed class ContractualCardTests(SharedHost host)
{
    private readonly string customer = "sub-" + Guid.NewGuid().ToString("N")[..8];

    private static JsonObject Started(string eventId, string customer, DateTimeOffset at, JsonNode? contractMonths) =>
        EventJson.Event("subscriptionStarted", eventId, customer, at, new JsonObject
        {
            ["subscriptionId"] = "sub-1", ["plan"] = "Fiber 1000", ["monthlyCharge"] = 110.5, ["contractMonths"] = contractMonths,
        }, source: "billing");

    private static JsonObject Resolved(string eventId, string customerId, DateTimeOffset at, string complaintId) =>
        EventJson.Event("complaintResolved", eventId, customerId, at, new JsonObject { ["complaintId"] = complaintId, ["satisfied"] = false });

    [Fact]
    public async Task A_subscriber_at_high_churn_risk_shows_her_renewal_probability_DERL_and_risk_on_the_card_and_is_offered_retention()
    {
        var n = Random.Shared.Next(5_000_000, 6_000_000);
        var phone = $"+1415{n}";
        var started = DateTimeOffset.UtcNow.AddMonths(-3).AddDays(-2);
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{customer}-p", customer, started, "Sam Subscriber", [phone]),
            EventJson.Event("profileChanged", $"{customer}-c", customer, started, new JsonObject { ["consents"] = new JsonObject { ["phone"] = true } }),
            Started($"{customer}-s", customer, started, 1),
            // Resolved complaints: the risk comes from the subscriber's signals, not from an open complaint's decline.
            EventJson.ComplaintOpened($"{customer}-k1", customer, started.AddDays(20), "k-1"),
            Resolved($"{customer}-r1", customer, started.AddDays(21), "k-1"),
            EventJson.ComplaintOpened($"{customer}-k2", customer, started.AddDays(50), "k-2"),
            Resolved($"{customer}-r2", customer, started.AddDays(51), "k-2")));
        await host.Api.WaitForAppliedEventsAsync(customer, 7);

        var (status, pop) = await ScreenPopTests.GetAsync(host, $"/api/screenpop?ani={Uri.EscapeDataString(phone)}", ScreenPopTests.AgentKey);
        var (explainStatus, explain) = await ScreenPopTests.GetAsync(host, $"/api/customers/{customer}/explain", DemoKeys.Service);

        Assert.True(status == HttpStatusCode.OK, pop.ToString());
        var card = Assert.Single(pop.GetProperty("customers").EnumerateArray());
        var contract = card.GetProperty("contract");
        Assert.Equal(("Fiber 1000", 1, 3), (contract.GetProperty("plan").GetString(), contract.GetProperty("contractMonths").GetInt32(), contract.GetProperty("tenureMonths").GetInt32()));
        Assert.InRange(contract.GetProperty("renewalProbability").GetDouble(), 0.9, 1);
        Assert.True(contract.GetProperty("derlMonths").GetDouble() > 1);
        Assert.True(contract.GetProperty("highRisk").GetBoolean(), contract.ToString());
        Assert.Contains("retentionOffer", card.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.True(explainStatus == HttpStatusCode.OK, explain.ToString());
        Assert.Equal(contract.GetProperty("churnRisk").GetDouble(), explain.GetProperty("contract").GetProperty("churnRisk").GetDouble(), 9);
        Assert.Contains(explain.GetProperty("actions").EnumerateArray(),
            a => a.GetProperty("reasons").EnumerateArray().Any(r => r.GetProperty("rule").GetString() == "action.retention.churnRisk"));
    }

    [Fact]
    public async Task A_subscription_start_with_an_impossible_term_is_refused_naming_the_field_and_nothing_is_applied()
    {
        var at = DateTimeOffset.UtcNow.AddDays(-1);

        var (status, body) = await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Purchase($"{customer}-1", customer, at, 20m),
            Started($"{customer}-2", customer, at, 0)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("contractMonths", body.ToString(), StringComparison.Ordinal);
        Assert.Contains("between 1 (month-to-month) and 120", body.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Api.GetCustomerAsync(customer)).Status);
    }
}
