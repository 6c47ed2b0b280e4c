using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

[Collection(HostCollection.Name)]
public sealed class IngestAndReadTests(SharedHost host)
{
    private static readonly DateTimeOffset Day = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string customer = "cust-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Operators_see_the_delivery_backlog_of_every_partition_fall_to_zero_once_ingest_is_delivered()
    {
        var (status, _) = await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{customer}-b", customer, Day, 10m)));
        Assert.Equal(HttpStatusCode.Accepted, status);
        await host.Api.WaitForAppliedEventsAsync(customer, 1);

        var backlog = await Eventually.UntilAsync(
            () => ScreenPopTests.GetAsync(host, "/api/diagnostics/delivery", DemoKeys.Admin),
            r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("behind").GetInt64() == 0,
            "every appended event to be delivered and checkpointed");
        var partitions = backlog.Body.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(8, partitions.Count);
        Assert.All(partitions, p => Assert.Equal(p.GetProperty("head").GetInt64(), p.GetProperty("delivered").GetInt64()));
        Assert.Contains(partitions, p => p.GetProperty("head").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await ScreenPopTests.GetAsync(host, "/api/diagnostics/delivery", DemoKeys.Agent)).Status);
    }

    [Fact]
    public async Task An_acknowledged_batch_becomes_visible_on_the_customer()
    {
        var (status, body) = await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Purchase($"{customer}-1", customer, Day, 120.5m),
            EventJson.Purchase($"{customer}-2", customer, Day.AddDays(10), 30m),
            EventJson.Contact($"{customer}-3", customer, Day.AddDays(11), emotion: "angry"),
            EventJson.ComplaintOpened($"{customer}-4", customer, Day.AddDays(11), "k1")));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(4, body.GetProperty("accepted").GetArrayLength());

        var snapshot = await host.Api.WaitForAppliedEventsAsync(customer, 4);
        Assert.Equal(customer, snapshot.GetProperty("customerId").GetString());
        var purchases = snapshot.GetProperty("purchases");
        Assert.Equal(2, purchases.GetProperty("purchases").GetInt32());
        Assert.Equal(1, purchases.GetProperty("repeatPurchases").GetInt32());
        Assert.Equal(150.5m, purchases.GetProperty("netSpend").GetDecimal());
        Assert.Equal("angry", snapshot.GetProperty("lastMood").GetProperty("emotion").GetString());
        Assert.Equal("k1", snapshot.GetProperty("openComplaints")[0].GetProperty("complaintId").GetString());
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_is_rejected_whole_and_names_the_event_and_field()
    {
        var bad = EventJson.Purchase($"{customer}-2", customer, Day, 10m);
        bad["currency"] = "EURO";
        var (status, body) = await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Purchase($"{customer}-1", customer, Day, 10m),
            bad,
            EventJson.Contact($"{customer}-3", customer, Day)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal("currency", error.GetProperty("field").GetString());
        Assert.Contains("ISO 4217", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Nothing of the batch was applied: the good events were not acknowledged and are not in the log.
        var (readStatus, _) = await host.Api.GetCustomerAsync(customer);
        Assert.Equal(HttpStatusCode.NotFound, readStatus);
        var (retryStatus, retry) = await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{customer}-1", customer, Day, 10m)));
        Assert.Equal(HttpStatusCode.Accepted, retryStatus);
        Assert.Equal($"{customer}-1", retry.GetProperty("accepted")[0].GetString());
    }

    [Fact]
    public async Task Amounts_in_another_currency_are_counted_in_euros_at_their_days_rate_and_one_without_a_rate_is_refused_naming_the_field()
    {
        var dollars = EventJson.Purchase($"{customer}-usd", customer, Day.AddDays(1), 100m);
        dollars["currency"] = "USD";
        var pounds = EventJson.Purchase($"{customer}-gbp", customer, Day.AddDays(2), 100m);
        pounds["currency"] = "GBP";

        var (refused, problem) = await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{customer}-eur", customer, Day, 20m), pounds));
        var (accepted, _) = await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{customer}-eur", customer, Day, 20m), dollars));

        Assert.Equal(HttpStatusCode.BadRequest, refused);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal((1, "currency"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Contains("no exchange rate from GBP to the base currency EUR", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        var purchases = (await host.Api.WaitForAppliedEventsAsync(customer, 2)).GetProperty("purchases");
        Assert.Equal((110m, "EUR"), (purchases.GetProperty("grossSpend").GetDecimal(), purchases.GetProperty("currency").GetString()));
    }

    [Fact]
    public async Task Posting_the_same_batch_again_is_acknowledged_as_duplicates_and_not_counted_twice()
    {
        var batch = EventJson.Batch(
            EventJson.Purchase($"{customer}-1", customer, Day, 50m),
            EventJson.Purchase($"{customer}-2", customer, Day.AddDays(3), 70m));
        await host.Api.PostEventsAsync(batch);
        await host.Api.WaitForAppliedEventsAsync(customer, 2);

        var (status, body) = await host.Api.PostEventsAsync(JsonNode.Parse(batch.ToJsonString())!.AsObject());
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(0, body.GetProperty("accepted").GetArrayLength());
        Assert.Equal(2, body.GetProperty("duplicates").GetArrayLength());

        // A marker event after the duplicates proves the duplicates had their chance to be applied.
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Contact($"{customer}-3", customer, Day.AddDays(4))));
        var snapshot = await host.Api.WaitForAppliedEventsAsync(customer, 3);
        Assert.Equal(3, snapshot.GetProperty("appliedEvents").GetInt32());
        Assert.Equal(120m, snapshot.GetProperty("purchases").GetProperty("grossSpend").GetDecimal());
    }

    [Fact]
    public async Task Batches_posted_concurrently_are_all_applied()
    {
        var posts = Enumerable.Range(0, 20).Select(i => host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Purchase($"{customer}-{i}", customer, Day.AddDays(i), 10m))));
        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
        var snapshot = await host.Api.WaitForAppliedEventsAsync(customer, 20);
        Assert.Equal(19, snapshot.GetProperty("purchases").GetProperty("repeatPurchases").GetInt32());
        Assert.Equal(200m, snapshot.GetProperty("purchases").GetProperty("grossSpend").GetDecimal());
    }

    [Fact]
    public async Task An_unknown_customer_is_404_with_a_problem_detail()
    {
        var (status, body) = await host.Api.GetCustomerAsync(customer);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(customer, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_problem()
    {
        using var content = new StringContent("{\"events\": [", System.Text.Encoding.UTF8, "application/json");
        using var response = await host.Api.Http.PostAsync(new Uri("/api/interactions", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_snapshot_as_of_a_later_moment_ages_the_history_and_one_before_the_last_event_is_refused()
    {
        await host.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{customer}-1", customer, Day, 10m)));
        await host.Api.WaitForAppliedEventsAsync(customer, 1);

        var (status, later) = await host.Api.GetCustomerAsync(customer, EventJson.Stamp(Day.AddDays(365)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(365, later.GetProperty("purchases").GetProperty("ageDays").GetDouble(), precision: 6);

        var (early, problem) = await host.Api.GetCustomerAsync(customer, EventJson.Stamp(Day.AddDays(-1)));
        Assert.Equal(HttpStatusCode.BadRequest, early);
        Assert.Contains("earlier than the customer's last applied event", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_ingest_and_read()
    {
        using var response = await host.Api.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/interactions", out _));
        Assert.True(paths.TryGetProperty("/api/customers/{id}", out _));
    }

    [Fact]
    public async Task Health_endpoints_answer_live_and_ready()
    {
        using var live = await host.Api.Http.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken);
        using var ready = await host.Api.Http.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
