using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary>What a customer's state must show once all of their events are applied.</summary>
public sealed record ExpectedCustomer(int Events, int Purchases, decimal GrossSpend);

/// <summary>
/// Events of many customers, cut into batches that mix customers, with the state each customer must end in.
/// Each customer's events are spread over many batches, so they travel through several requests and silos.
/// </summary>
public sealed class Workload
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public Workload(string prefix, int customers, int eventsPerCustomer, int batchSize)
    {
        var events = new List<(int Order, JsonObject Event)>();
        var random = new Random(customers * 7919 + eventsPerCustomer);
        for (var c = 0; c < customers; c++)
        {
            var customer = $"{prefix}-c{c}";
            var purchases = 0;
            var spend = 0m;
            for (var k = 0; k < eventsPerCustomer; k++)
            {
                var id = $"{customer}-e{k}";
                var at = Start.AddHours(k * 5 + c % 5);
                if (k % 3 == 2)
                {
                    events.Add((random.Next(), EventJson.Contact(id, customer, at)));
                }
                else
                {
                    var amount = 5m + (c * 31 + k * 17) % 200;
                    purchases++;
                    spend += amount;
                    events.Add((random.Next(), EventJson.Purchase(id, customer, at, amount)));
                }
            }
            Expected[customer] = new ExpectedCustomer(eventsPerCustomer, purchases, spend);
        }
        Batches = [.. events.OrderBy(e => e.Order).Select(e => e.Event).Chunk(batchSize).Select(chunk => EventJson.Batch(chunk))];
        EventCount = events.Count;
    }

    public Dictionary<string, ExpectedCustomer> Expected { get; } = [];

    public IReadOnlyList<JsonObject> Batches { get; }

    public int EventCount { get; }

    /// <summary>
    /// Polls every customer on the running silos until their events are applied, then checks each one shows
    /// exactly the expected state: nothing lost, nothing counted twice.
    /// </summary>
    public async Task VerifyAsync(Func<IReadOnlyList<HostProcess>> silos, TimeSpan timeout)
    {
        var next = 0;
        foreach (var (customer, expected) in Expected)
        {
            var body = await Eventually.UntilAsync(async () =>
            {
                var running = silos();
                var silo = running[Interlocked.Increment(ref next) % running.Count];
                using var api = new ApiClient(silo.BaseAddress);
                return await api.GetCustomerAsync(customer);
            }, r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("appliedEvents").GetInt32() >= expected.Events,
                $"customer {customer} to show {expected.Events} applied events", timeout);

            var state = body.Body;
            Assert.Equal(expected.Events, state.GetProperty("appliedEvents").GetInt32());
            Assert.Equal(expected.Purchases, state.GetProperty("purchases").GetProperty("purchases").GetInt32());
            Assert.Equal(expected.GrossSpend, state.GetProperty("purchases").GetProperty("grossSpend").GetDecimal());
        }
    }
}

/// <summary>
/// Sends a workload's batches with several concurrent callers, as a client of the API does: a batch that
/// is not acknowledged (an error status, a lost connection) is sent again, to another silo, until it is
/// acknowledged with 202; event ids make the repeat harmless. Records every answer it saw.
/// </summary>
public sealed class Ingestion(Workload workload, Func<IReadOnlyList<HostProcess>> silos, TimeSpan requestTimeout)
{
    private readonly ConcurrentQueue<JsonObject> pending = new(workload.Batches);
    private int acknowledged;

    public ConcurrentDictionary<HttpStatusCode, int> Statuses { get; } = new();

    /// <summary>Requests that got no answer within the request timeout.</summary>
    public ConcurrentBag<string> Timeouts { get; } = [];

    /// <summary>Requests whose connection failed (a killed silo).</summary>
    public int ConnectionFailures => connectionFailures;
    private int connectionFailures;

    /// <summary>Problem details of the 503 answers.</summary>
    public ConcurrentBag<JsonElement> Unavailable { get; } = [];

    /// <summary>Answers that are neither 202 nor 503, with their bodies.</summary>
    public ConcurrentBag<string> Unexpected { get; } = [];

    public int AcknowledgedBatches => Volatile.Read(ref acknowledged);

    public int Count(HttpStatusCode status) => Statuses.GetValueOrDefault(status);

    /// <summary>Waits until <paramref name="fraction"/> of the workload's batches are acknowledged.</summary>
    public Task UntilAcknowledgedAsync(double fraction, TimeSpan timeout) =>
        Eventually.UntilAsync(() => Task.FromResult(AcknowledgedBatches >= workload.Batches.Count * fraction),
            $"{fraction:P0} of the batches to be acknowledged", timeout);

    public Task RunAsync(int callers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(i => Task.Run(() => CallerAsync(i, cancellationToken), cancellationToken)));

    private async Task CallerAsync(int caller, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = requestTimeout };
        http.DefaultRequestHeaders.Add(DemoKeys.Header, DemoKeys.Service);
        var attempt = caller;
        while (pending.TryDequeue(out var batch))
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var running = silos();
                var silo = running[attempt++ % running.Count];
                if (await SendAsync(http, silo.BaseAddress, batch, cancellationToken))
                {
                    Interlocked.Increment(ref acknowledged);
                    break;
                }
                // Back off a little before the next try, as a well-behaved client does.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    private async Task<bool> SendAsync(HttpClient http, Uri silo, JsonObject batch, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(silo, "/api/interactions"), batch, cancellationToken);
            Statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Accepted:
                    return true;
                case HttpStatusCode.ServiceUnavailable:
                    Unavailable.Add(JsonDocument.Parse(text).RootElement.Clone());
                    return false;
                default:
                    Unexpected.Add($"{(int)response.StatusCode} from {silo}: {text}");
                    return false;
            }
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Timeouts.Add($"no answer from {silo} within {requestTimeout.TotalSeconds} s");
            return false;
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref connectionFailures);
            return false;
        }
    }
}
