using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerGrains.ClusterBench;

/// <summary>
/// Four measurements of a running cluster: (1) durable ingest, events acknowledged per second with concurrent
/// callers spread over the silos; (2) event-to-visible latency, from posting one event to the customer's read
/// showing it, during that ingest and when idle; (3) warm reads of active customers and (4) cold reads of
/// customers whose grains were deactivated, through the typed client.
/// </summary>
internal static class ClusterBench
{
    private static readonly DateTimeOffset Day = new(2025, 9, 1, 8, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // The local cluster runs in Development: the demo service key may ingest.
        http.DefaultRequestHeaders.Add("X-Api-Key", "demo-service-key");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCustomerGrainsClient(o =>
        {
            foreach (var gateway in settings.Gateways)
            {
                o.Gateways.Add(gateway);
            }
            o.ClusterId = settings.ClusterId;
        });
        // Deactivating every grain before the cold reads (ForceActivationCollection) takes longer than Orleans' default
        // 10 s response timeout once the silos hold tens of thousands of customers; a read still reports its own latency.
        builder.Services.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
        using var service = builder.Build();
        await service.StartAsync();
        var client = service.Services.GetRequiredService<ICustomerGrainsClient>();

        Console.WriteLine($"cluster: {settings.Silos.Count} silos; {settings.Events} events in batches of {settings.BatchSize}, " +
                          $"{settings.Callers} callers, {settings.Customers} customers");

        // (1) with (2) during it
        using var stopProbes = new CancellationTokenSource();
        // --probe-loops loops probe side by side during the ingest (each its own customers), for enough samples for a p99.
        var loadedProbes = Task.WhenAll(Enumerable.Range(0, settings.ProbeLoops).Select(loop =>
            Task.Run(() => ProbeVisibilityAsync(http, client, settings, $"{run}-pl{loop}", int.MaxValue, stopProbes.Token))));
        var clock = Stopwatch.StartNew();
        await IngestAsync(http, settings, run);
        var seconds = clock.Elapsed.TotalSeconds;
        await stopProbes.CancelAsync();
        var underLoad = (await loadedProbes).SelectMany(l => l).ToList();
        Console.WriteLine($"durable ingest: {settings.Events / seconds:0} events/s ({settings.Events} events acknowledged in {seconds:0.0} s)");
        Report("event-to-visible under ingest", underLoad);

        // (2) idle
        Report("event-to-visible idle", await ProbeVisibilityAsync(http, client, settings, $"{run}-pi", settings.Probes, CancellationToken.None));

        // (3) warm: customers read once already, so their grains are active.
        var customers = Enumerable.Range(0, Math.Min(settings.Customers, settings.Reads)).Select(c => Customer(run, c)).ToArray();
        foreach (var customer in customers)
        {
            await client.GetCustomerAsync(customer);
        }
        Report("warm read (typed client)", await ReadAllAsync(client, [.. Enumerable.Range(0, settings.Reads).Select(i => customers[i % customers.Length])]));

        // (4) cold: deactivate every idle grain, then read each customer once (snapshot load + catch-up from the log).
        var management = service.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Report("cold read (typed client)", await ReadAllAsync(client, customers));

        await service.StopAsync();
        return 0;
    }

    private static string Customer(string run, int c) => $"bench-{run}-c{c}";

    private static async Task IngestAsync(HttpClient http, BenchSettings settings, string run)
    {
        var batches = settings.Events / settings.BatchSize;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, settings.Callers).Select(async caller =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var events = new JsonArray();
                for (var k = 0; k < settings.BatchSize; k++)
                {
                    var n = b * settings.BatchSize + k;
                    events.Add(Purchase($"{run}-e{n}", Customer(run, n % settings.Customers), Day.AddMinutes(n / settings.Customers)));
                }
                var body = new JsonObject { ["events"] = events };
                for (var attempt = b; ; attempt++)
                {
                    var silo = settings.Silos[attempt % settings.Silos.Count];
                    using var response = await http.PostAsJsonAsync(new Uri(silo, "/api/interactions"), body);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        break;
                    }
                    Console.Error.WriteLine($"batch {b}: {(int)response.StatusCode}, sent again");
                }
            }
        }));
    }

    private static async Task<List<double>> ProbeVisibilityAsync(HttpClient http, ICustomerGrainsClient client, BenchSettings settings, string prefix, int count, CancellationToken stop)
    {
        var latencies = new List<double>();
        for (var i = 0; i < count && !stop.IsCancellationRequested; i++)
        {
            var customer = $"{prefix}-{i % 50}";
            var expected = i / 50 + 1;
            var silo = settings.Silos[i % settings.Silos.Count];
            var clock = Stopwatch.StartNew();
            using (var response = await http.PostAsJsonAsync(new Uri(silo, "/api/interactions"),
                       new JsonObject { ["events"] = new JsonArray(Purchase($"{prefix}-e{i}", customer, Day.AddHours(i))) }))
            {
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    continue;
                }
            }
            while ((await client.GetCustomerAsync(customer))?.AppliedEvents < expected)
            {
                await Task.Delay(settings.ProbePollMilliseconds);
            }
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static async Task<List<double>> ReadAllAsync(ICustomerGrainsClient client, IReadOnlyList<string> customers)
    {
        var latencies = new List<double>(customers.Count);
        foreach (var customer in customers)
        {
            var clock = Stopwatch.StartNew();
            await client.GetCustomerAsync(customer);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static JsonObject Purchase(string eventId, string customerId, DateTimeOffset at) => new()
    {
        ["eventId"] = eventId,
        ["customerId"] = customerId,
        ["type"] = "purchase",
        ["occurredAt"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["source"] = "bench",
        ["orderId"] = "o-" + eventId,
        ["amount"] = 25,
        ["currency"] = "EUR",
        ["lines"] = new JsonArray(new JsonObject { ["category"] = "books", ["quantity"] = 1, ["unitPrice"] = 25 }),
        ["discount"] = 0,
        ["paymentMethod"] = "card",
        ["channel"] = "web",
    };

    private static void Report(string what, List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            Console.WriteLine($"{what}: no samples");
            return;
        }
        milliseconds.Sort();
        double At(double q) => milliseconds[Math.Min(milliseconds.Count - 1, (int)Math.Ceiling(q * milliseconds.Count) - 1)];
        Console.WriteLine($"{what}: p50 {At(0.50):0.00} ms, p99 {At(0.99):0.00} ms, max {milliseconds[^1]:0.00} ms (n={milliseconds.Count})");
    }
}
