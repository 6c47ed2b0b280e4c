using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary><c>POST /api/customers/batch</c> over real HTTP: many customers in one request, unknown ones reported, every read audited.</summary>
[Collection(HostCollection.Name)]
public sealed class BatchReadTests(SharedHost host)
{
    private static readonly DateTimeOffset Day = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string prefix = "batch-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(string First, string Second)> TwoCustomersAsync()
    {
        var (first, second) = ($"{prefix}-a", $"{prefix}-b");
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{first}-0", first, Day, "Ada Byron", [], "ada@example.com"),
            EventJson.Purchase($"{first}-1", first, Day, 40m),
            EventJson.Purchase($"{second}-1", second, Day, 900m)));
        await host.Api.WaitForAppliedEventsAsync(first, 2);
        await host.Api.WaitForAppliedEventsAsync(second, 1);
        return (first, second);
    }

    [Fact]
    public async Task A_service_reads_many_snapshots_at_once_duplicates_folded_and_unknown_ids_reported()
    {
        var (first, second) = await TwoCustomersAsync();
        var nobody = $"{prefix}-nobody";

        var (status, body) = await ScreenPopTests.PostAsync(host, "/api/customers/batch",
            new { customerIds = new[] { second, first, nobody, second }, view = "snapshot" }, DemoKeys.Service);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("snapshot", body.GetProperty("view").GetString());
        var customers = body.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal([second, first], customers.Select(c => c.GetProperty("customerId").GetString()));
        Assert.Equal(900m, customers[0].GetProperty("purchases").GetProperty("netSpend").GetDecimal());
        // Contact data whole, as GET /api/customers/{id} shows it to a service with customers:read.
        Assert.Equal("ada@example.com", customers[1].GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal([nobody], body.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task An_agent_reads_decisions_in_a_batch_but_not_snapshots()
    {
        var (first, second) = await TwoCustomersAsync();

        var (status, body) = await ScreenPopTests.PostAsync(host, "/api/customers/batch",
            new { customerIds = new[] { first, second }, view = "decision", channel = "email" }, DemoKeys.Agent);
        Assert.Equal(HttpStatusCode.OK, status);
        var decisions = body.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal([first, second], decisions.Select(d => d.GetProperty("customerId").GetString()));
        Assert.All(decisions, d => Assert.False(string.IsNullOrEmpty(d.GetProperty("service").GetProperty("tier").GetString())));
        Assert.Empty(body.GetProperty("unknown").EnumerateArray());

        var (refused, problem) = await ScreenPopTests.PostAsync(host, "/api/customers/batch",
            new { customerIds = new[] { first }, view = "snapshot" }, DemoKeys.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("snapshot view", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_customer_a_batch_answers_is_in_the_audit_trail()
    {
        var (first, _) = await TwoCustomersAsync();
        await ScreenPopTests.PostAsync(host, "/api/customers/batch", new { customerIds = new[] { first }, view = "decision" }, DemoKeys.Agent);

        var (_, audit) = await ScreenPopTests.GetAsync(host, $"/api/audit?customerId={first}", ScreenPopTests.SupervisorKey);
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("path").GetString() == "decision");
        Assert.Equal("agent1", entry.GetProperty("actor").GetString());
        Assert.Equal("batch of 1, channel phone", entry.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_bad_batch_read_is_refused_naming_every_problem()
    {
        var tooMany = Enumerable.Range(0, 101).Select(i => $"{prefix}-{i}").ToArray();
        var (status, body) = await ScreenPopTests.PostAsync(host, "/api/customers/batch", new { customerIds = tooMany }, DemoKeys.Service);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 100 customers; this one names 101", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        (status, body) = await ScreenPopTests.PostAsync(host, "/api/customers/batch",
            new { customerIds = new[] { "ok", "" }, view = "full", channel = "pigeon" }, DemoKeys.Service);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["view", "customerIds[1]", "channel"], fields);
    }
}
