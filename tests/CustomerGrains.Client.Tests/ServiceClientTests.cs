using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Client.Tests;

/// <summary>A real engine and a backend service's host connected to it through the typed client, shared by a test class.</summary>
public sealed class ConnectedService : IAsyncLifetime
{
    public const string Name = "web-shop-test";

    public RunningHost Engine { get; } = new();

    public IHost Service { get; private set; } = null!;

    public ICustomerGrainsClient Client => Service.Services.GetRequiredService<ICustomerGrainsClient>();

    public async ValueTask InitializeAsync()
    {
        await Engine.InitializeAsync();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddCustomerGrainsClient(o =>
        {
            o.Gateways.Add($"127.0.0.1:{Engine.Host.GatewayPort}");
            o.ServiceName = Name;
        });
        Service = builder.Build();
        await Service.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        await Engine.DisposeAsync();
    }
}

/// <summary>Everything a backend service does through the typed client, against a real engine process.</summary>
public sealed class ServiceClientTests(ConnectedService connected) : IClassFixture<ConnectedService>
{
    private static readonly DateTimeOffset Day = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string customer = "svc-" + Guid.NewGuid().ToString("N")[..8];
    private ICustomerGrainsClient Client => connected.Client;

    private PurchaseMade Purchase(string eventId, decimal amount, string currency = "EUR") => new()
    {
        EventId = eventId, CustomerId = customer, OccurredAt = Day, Source = "shop", OrderId = $"o-{eventId}", Amount = amount, Currency = currency,
        Lines = [new PurchaseLine("books", 1, amount)], Channel = Channel.Web,
    };

    [Fact]
    public async Task Events_ingested_through_the_client_are_applied_once_and_a_repeat_is_reported_as_duplicate()
    {
        var events = new InteractionEvent[]
        {
            new ProfileChanged { EventId = $"{customer}-p", CustomerId = customer, OccurredAt = Day, Source = "crm", Name = "Ines Ortega", Email = "ines@example.com" },
            Purchase($"{customer}-1", 80m),
        };

        var first = await Client.IngestAsync(events, Ct);
        Assert.Equal(IngestStatus.Accepted, first.Status);
        Assert.Equal([$"{customer}-p", $"{customer}-1"], first.Accepted);
        var again = await Client.IngestAsync(events, Ct);
        Assert.Empty(again.Accepted);
        Assert.Equal([$"{customer}-p", $"{customer}-1"], again.Duplicates);

        var snapshot = await Eventually.UntilAsync(() => Client.GetCustomerAsync(customer, cancellationToken: Ct), s => s?.AppliedEvents == 2,
            "the ingested events to be applied");
        Assert.Equal(80m, snapshot!.Purchases.NetSpend);
        Assert.Equal("Ines Ortega", snapshot.Profile.Name);
    }

    [Fact]
    public async Task An_invalid_batch_is_refused_with_the_same_errors_by_index_and_field_as_over_http()
    {
        InteractionEvent[] events = [Purchase($"{customer}-ok", 10m), Purchase($"{customer}-bad", -5m, currency: "EURO")];

        var outcome = await Client.IngestAsync(events, Ct);

        Assert.Equal(IngestStatus.Invalid, outcome.Status);
        Assert.Empty(outcome.Accepted);
        var body = $"{{\"events\":[{string.Join(',', events.Select(InteractionJson.Serialize))}]}}";
        using var response = await connected.Engine.Api.Http.PostAsync(new Uri("/api/interactions", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var overHttp = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateArray()
            .Select(e => new FieldError(e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString()!, e.GetProperty("message").GetString()!))
            .ToList();
        Assert.Equal(overHttp, outcome.Errors);
        Assert.Contains(outcome.Errors, e => e is { Index: 1, Field: "currency" });
        Assert.Contains(outcome.Errors, e => e is { Index: 1, Field: "amount" });
        Assert.Null(await Client.GetCustomerAsync(customer, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_batch_read_answers_known_customers_lists_unknown_ones_and_is_audited_under_the_service_name()
    {
        await Client.IngestAsync([Purchase($"{customer}-1", 30m)], Ct);
        await Eventually.UntilAsync(() => Client.GetCustomerAsync(customer, cancellationToken: Ct), s => s is not null, "the purchase to be applied");
        var nobody = customer + "-nobody";

        var decisions = await Client.ReadBatchAsync(
            new CustomerBatchQuery { CustomerIds = [customer, nobody, customer], View = CustomerBatchQuery.DecisionView, Channel = "web" }, Ct);
        Assert.Equal([customer], decisions.Decisions.Select(d => d.CustomerId));
        Assert.Equal([nobody], decisions.Unknown);
        var snapshots = await Client.ReadBatchAsync(new CustomerBatchQuery { CustomerIds = [customer] }, Ct);
        Assert.Equal(30m, Assert.Single(snapshots.Customers).Purchases.NetSpend);

        var (status, audit) = await GetAsync($"/api/audit?customerId={customer}", DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.OK, status);
        var entries = audit.GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("actor").GetString() == ConnectedService.Name && e.GetProperty("path").GetString() == "decision"
            && e.GetProperty("detail").GetString() == "typed client, batch of 2, channel web");
        Assert.Contains(entries, e => e.GetProperty("actor").GetString() == ConnectedService.Name && e.GetProperty("path").GetString() == "snapshot");
    }

    [Fact]
    public async Task Single_reads_through_the_client_are_audited_under_the_service_name_like_the_api_reads()
    {
        await Client.IngestAsync([Purchase($"{customer}-s", 12m)], Ct);
        await Eventually.UntilAsync(() => Client.GetCustomerAsync(customer, cancellationToken: Ct), s => s is not null, "the purchase to be applied");
        Assert.NotNull(await Client.GetDecisionAsync(customer, "web", cancellationToken: Ct));

        var (status, audit) = await GetAsync($"/api/audit?customerId={customer}", DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.OK, status);
        var reads = audit.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("actor").GetString() == ConnectedService.Name && e.GetProperty("role").GetString() == "service")
            .Select(e => (e.GetProperty("path").GetString(), e.GetProperty("detail").GetString())).ToList();
        Assert.Contains(("snapshot", "typed client"), reads);
        Assert.Contains(("decision", "typed client, channel web"), reads);
    }

    [Fact]
    public async Task An_invalid_batch_read_names_every_problem()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.ReadBatchAsync(
            new CustomerBatchQuery { CustomerIds = [.. Enumerable.Range(0, 101).Select(i => $"x{i}")], View = "full" }, Ct));
        Assert.Contains("view: 'full' is not a view", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 100 customers; this one names 101", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_screen_pop_by_number_answers_the_masked_card_of_the_customer_the_number_belongs_to()
    {
        var national = $"(646) 555-{Random.Shared.Next(1000, 9999)}";
        await Client.IngestAsync([
            new ProfileChanged { EventId = $"{customer}-p", CustomerId = customer, OccurredAt = Day, Source = "crm", Name = "Omar Haddad", Phones = [national], Email = "omar@example.com" },
            Purchase($"{customer}-1", 55m)], Ct);

        var cards = await Eventually.UntilAsync(() => Client.ScreenPopAsync(national, Ct), c => c.Any(x => x.CustomerId == customer),
            "the number to pop the customer");
        var card = cards.Single(c => c.CustomerId == customer);
        Assert.Equal("Omar Haddad", card.Name);
        Assert.Equal("o•••@example.com", card.Email);
        Assert.DoesNotContain("646", card.Phones[0], StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.ScreenPopAsync("not a number", Ct));
        Assert.Contains("'not a number'", refused.Message, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(DemoKeys.Header, key);
        using var response = await connected.Engine.Api.Http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }
}

/// <summary>The client's retry pipeline alone: what it tries again, how often, and what it lets through at once.</summary>
public sealed class RetryTests
{
    private static readonly CustomerGrainsClientOptions Options = new() { Attempts = 3, RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task A_lost_silo_is_tried_again_until_the_call_succeeds()
    {
        var calls = 0;
        var answer = await CustomerGrainsClient.RetryPipeline(Options).ExecuteAsync(_ =>
            ++calls < 3 ? throw new SiloUnavailableException("gone") : ValueTask.FromResult(42), TestContext.Current.CancellationToken);
        Assert.Equal((42, 3), (answer, calls));
    }

    [Fact]
    public async Task An_unavailable_log_is_tried_again_and_a_bug_is_not()
    {
        var calls = 0;
        var outcome = await CustomerGrainsClient.RetryPipeline(Options).ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.FromResult(new IngestOutcome { Status = IngestStatus.Unavailable });
        }, TestContext.Current.CancellationToken);
        Assert.Equal((IngestStatus.Unavailable, 3), (outcome.Status, calls));

        calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await CustomerGrainsClient.RetryPipeline(Options).ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new InvalidOperationException("a bug");
        }, TestContext.Current.CancellationToken));
        Assert.Equal(1, calls);
    }
}
