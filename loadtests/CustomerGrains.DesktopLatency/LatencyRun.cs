using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Browser;
using CustomerGrains.Client;
using CustomerGrains.Testing;
using HdrHistogram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace CustomerGrains.DesktopLatency;

/// <summary>
/// Three measurements of the screen-pop, one request at a time (latency, not throughput):
/// (a) cold GET /api/screenpop, each seeded number once right after the host restarted (or its grains were
/// deactivated): directory and customer grains are activated from storage; (b) warm lookups of the same numbers;
/// (c) CTI ring to card in chromium: from just before the page itself sends POST /api/calls to the moment the call's
/// card is in the DOM, both read from the page's <c>performance.now()</c>, so one clock measures both ends.
/// </summary>
internal static class LatencyRun
{
    private const string AgentKey = "demo-agent1-key";
    private const string CtiKey = "demo-cti-key";
    private const string ServiceKey = "demo-service-key";
    private const int BatchSize = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Customer(string Id, string Phone, string Ani);

    public static async Task<int> RunAsync(LatencySettings settings)
    {
        using var data = settings.Url is null ? new TempDirectory("desktop-latency") : null;
        await using var own = data is null ? null : new HostProcess(data.Path);
        if (own is not null)
        {
            await own.StartAsync();
        }
        var baseAddress = settings.Url ?? own!.BaseAddress;
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var chromium = await Chromium.EnsureAsync();

        PrintHeader(settings, own, baseAddress, chromium);
        var random = new Random(settings.Seed);
        var run = Guid.NewGuid().ToString("N")[..6];
        var customers = Enumerable.Range(0, settings.Customers).Select(i => NewCustomer(run, i)).ToList();
        var events = customers.SelectMany(c => EventsOf(c, random)).ToList();
        var clock = Stopwatch.StartNew();
        await SeedAsync(http, events, customers);
        Console.WriteLine($"seeded {customers.Count} customers ({events.Count} events) in {clock.Elapsed.TotalSeconds:0.0} s");

        // (a) cold: nothing of these customers is in memory any more.
        var cold = NewHistogram();
        var coldHow = await MakeColdAsync(settings, own);
        // Measured from the read model only (no customer grain is activated), which deactivation has brought up to date.
        Console.WriteLine($"population {await MeasurePopulationAsync(http)} measured, so the cards carry real tiers");
        if (coldHow is not null)
        {
            await WarmUpProcessAsync(http);
            foreach (var customer in Shuffled(customers, random))
            {
                Record(cold, await LookupAsync(http, customer));
            }
        }

        // (b) warm: the same numbers again, now active.
        var warm = NewHistogram();
        for (var i = 0; i < settings.WarmLookups; i++)
        {
            Record(warm, await LookupAsync(http, customers[random.Next(customers.Count)]));
        }

        Console.WriteLine();
        Console.WriteLine("| measurement | n | p50 ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row(coldHow is null ? "cold GET /api/screenpop (skipped: give --gateway to deactivate a running host's grains)" : $"cold GET /api/screenpop ({coldHow})", cold);
        Row("warm GET /api/screenpop", warm);

        // (c) ring to card in chromium.
        if (chromium.ExecutablePath is null)
        {
            Console.WriteLine($"| ring to card: skipped, no browser: {chromium.Problem} | | | | | |");
            return 1;
        }
        var (inDom, nextFrame, answered, missed) = await RingAsync(settings, baseAddress, chromium.ExecutablePath, customers, random);
        Row("ring to card in the DOM (POST /api/calls sent → card inserted)", inDom);
        Row("ring to the next animation frame after the card was inserted", nextFrame);
        Row("POST /api/calls answered (same page clock)", answered);
        Console.WriteLine();
        Console.WriteLine($"rings whose card did not show within 10 s: {missed}");
        Console.WriteLine($"target: card within 200 ms of the CTI request; p99 ring to card in the DOM {Ms(inDom.GetValueAtPercentile(99))} ms, " +
                          $"{(inDom.TotalCount > 0 && inDom.GetValueAtPercentile(99) <= 200_000 && missed == 0 ? "met" : "NOT met")}");
        return 0;
    }

    private static void PrintHeader(LatencySettings settings, HostProcess? own, Uri baseAddress, ChromiumLookup chromium)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        Console.WriteLine($"date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), " +
                          $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine(own is null
            ? $"host: {baseAddress} (not started here)"
            : $"host: started here, {HostProcess.HostAssembly} on the embedded default, data in {own.DataDirectory}, {baseAddress}");
        Console.WriteLine($"browser: {chromium.Version ?? chromium.Problem} (headless, Playwright {typeof(IPage).Assembly.GetName().Version})");
        Console.WriteLine($"customers {settings.Customers}, warm lookups {settings.WarmLookups}, rings {settings.Rings}, seed {settings.Seed}");
    }

    private static Customer NewCustomer(string run, int i)
    {
        var exchange = (200 + i / 10_000).ToString("000", CultureInfo.InvariantCulture);
        var line = (i % 10_000).ToString("0000", CultureInfo.InvariantCulture);
        // Stored in international format; the lookups and rings send the national one, as a telephony system may.
        return new Customer($"lat-{run}-{i}", $"+1 646 {exchange} {line}", $"(646) {exchange}-{line}");
    }

    /// <summary>A profile with the phone, 1 to 8 purchases, and for some a phone contact (some angry) and an open complaint.</summary>
    private static IEnumerable<JsonObject> EventsOf(Customer c, Random random)
    {
        var now = DateTimeOffset.UtcNow;
        var list = new List<JsonObject> { EventJson.Profile($"{c.Id}-profile", c.Id, now.AddDays(-400), $"Customer {c.Id}", [c.Phone], $"{c.Id}@example.com") };
        var purchases = 1 + random.Next(8);
        var mean = 20 + 200 * random.NextDouble() * random.NextDouble();
        for (var p = 0; p < purchases; p++)
        {
            var amount = Math.Round((decimal)(mean * (0.5 + random.NextDouble())), 2);
            list.Add(EventJson.Purchase($"{c.Id}-p{p}", c.Id, now.AddDays(-360 + 360.0 * p / purchases + random.Next(20)), amount, $"o-{c.Id}-{p}"));
        }
        if (random.NextDouble() < 0.3)
        {
            var at = now.AddDays(-random.Next(1, 30));
            var duration = 60 + random.Next(600);
            list.Add(EventJson.Contact($"{c.Id}-call", c.Id, at, random.NextDouble() < 0.3 ? "angry" : "calm", duration));
        }
        if (random.NextDouble() < 0.1)
        {
            list.Add(EventJson.ComplaintOpened($"{c.Id}-k1", c.Id, now.AddDays(-random.Next(1, 10)), "k1"));
        }
        return list;
    }

    /// <summary>Posts the events in batches, then waits until every number finds its customer (directory linked, events applied).</summary>
    private static async Task SeedAsync(HttpClient http, List<JsonObject> events, List<Customer> customers)
    {
        foreach (var batch in events.Chunk(BatchSize))
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/interactions", UriKind.Relative))
                {
                    Content = JsonContent.Create(EventJson.Batch(batch)), Headers = { { "X-Api-Key", ServiceKey } },
                };
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    break;
                }
                // Only an engine that is briefly unavailable is worth asking again; a refused batch stays refused.
                if (attempt == 5 || (int)response.StatusCode < 500)
                {
                    throw new InvalidOperationException($"seeding: a batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
        foreach (var customer in customers)
        {
            await Eventually.UntilAsync(async () =>
            {
                var pop = await GetScreenPopAsync(http, customer.Ani);
                return pop.GetProperty("customers").EnumerateArray()
                    .Any(c => c.GetProperty("customer").GetProperty("customerId").GetString() == customer.Id);
            }, $"the number of {customer.Id} to find the customer", TimeSpan.FromSeconds(120));
        }
    }

    private static async Task<string> MeasurePopulationAsync(HttpClient http) =>
        await Eventually.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/maintenance/population-refresh", UriKind.Relative))
            {
                Headers = { { "X-Api-Key", ServiceKey } },
            };
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            return body?["populationVersion"]?.ToString();
        }, version => version is not null, "the population to be measured", TimeSpan.FromSeconds(90)) ?? "";

    /// <summary>Restarts the host started here, or deactivates every grain of a running one through its gateway.</summary>
    private static async Task<string?> MakeColdAsync(LatencySettings settings, HostProcess? own)
    {
        if (own is not null)
        {
            await own.StopAsync();
            await own.StartAsync();
            return "after a restart of the host";
        }
        if (settings.Gateway is null)
        {
            return null;
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCustomerGrainsClient(o =>
        {
            o.Gateways.Add(settings.Gateway);
            o.ClusterId = settings.ClusterId;
        });
        using var client = builder.Build();
        await client.StartAsync();
        await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await client.StopAsync();
        return "after deactivating every grain";
    }

    /// <summary>Brings the HTTP path of a restarted process up to speed (JIT, connections) with numbers nobody has, no seeded customer.</summary>
    private static async Task WarmUpProcessAsync(HttpClient http)
    {
        for (var i = 0; i < 200; i++)
        {
            await GetScreenPopAsync(http, $"+1 917 {i / 10_000 + 100:000} {i % 10_000:0000}");
        }
    }

    private static async Task<JsonElement> GetScreenPopAsync(HttpClient http, string ani)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/screenpop?ani={Uri.EscapeDataString(ani)}", UriKind.Relative));
        request.Headers.Add("X-Api-Key", AgentKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    /// <summary>One lookup, timed from sending the request to the whole body read; microseconds.</summary>
    private static async Task<long> LookupAsync(HttpClient http, Customer customer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/screenpop?ani={Uri.EscapeDataString(customer.Ani)}", UriKind.Relative));
        request.Headers.Add("X-Api-Key", AgentKey);
        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"lookup of {customer.Ani} answered {(int)response.StatusCode}");
        }
        return (long)(elapsed.TotalMicroseconds);
    }

    // In the page: watch #call for the banner of this call id with a card, send the ring, and report the times.
    private const string RingScript = """
        async ({ callId, ani, key, agentId }) => {
          const call = document.getElementById("call");
          const shown = () => (document.getElementById("call-banner")?.textContent ?? "").includes(`call ${callId},`)
            && document.querySelector("#cards .card") !== null;
          let observer;
          const seen = new Promise((resolve) => {
            observer = new MutationObserver(() => {
              if (!shown()) return;
              const dom = performance.now();
              observer.disconnect();
              requestAnimationFrame(() => resolve({ dom, frame: performance.now() }));
            });
            observer.observe(call, { childList: true, subtree: true, characterData: true });
          });
          const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 10000));
          const sent = performance.now();
          const response = await fetch("/api/calls", {
            method: "POST",
            headers: { "content-type": "application/json", "X-Api-Key": key },
            body: JSON.stringify({ callId, ani, dnis: "800 555 0100", agentId }),
          });
          const answered = performance.now();
          const body = await response.json();
          const times = await Promise.race([seen, timeout]);
          observer.disconnect();
          return { status: response.status, desktops: body.desktops ?? 0, answered: answered - sent,
                   dom: times ? times.dom - sent : -1, frame: times ? times.frame - sent : -1 };
        }
        """;

    /// <summary>What the ring script returns (milliseconds of the page clock since the request was sent; -1: not shown).</summary>
    private sealed class RingTimes
    {
        public int Status { get; set; }
        public int Desktops { get; set; }
        public double Answered { get; set; }
        public double Dom { get; set; }
        public double Frame { get; set; }
    }

    private static async Task<(LongHistogram InDom, LongHistogram NextFrame, LongHistogram Answered, int Missed)> RingAsync(
        LatencySettings settings, Uri baseAddress, string executable, List<Customer> customers, Random random)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true });
        var page = await browser.NewPageAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 1000 } });
        await page.GotoAsync("/agent/");
        await page.GetByLabel("User id").FillAsync("agent1");
        await page.GetByLabel("Password").FillAsync("agent-demo-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForSelectorAsync("body[data-connected=true]", new() { Timeout = 60_000 });

        var inDom = NewHistogram();
        var nextFrame = NewHistogram();
        var answered = NewHistogram();
        var missed = 0;
        var run = Guid.NewGuid().ToString("N")[..6];
        // Five rings first, not counted: the page's first card render compiles its code paths.
        for (var i = -5; i < settings.Rings; i++)
        {
            var customer = customers[random.Next(customers.Count)];
            var times = await page.EvaluateAsync<RingTimes>(RingScript, new { callId = $"ring-{run}-{i}", ani = customer.Ani, key = CtiKey, agentId = "agent1" });
            if (times.Status != 200 || times.Desktops < 1)
            {
                throw new InvalidOperationException($"ring {i}: POST /api/calls answered {times.Status} reaching {times.Desktops} desktops");
            }
            if (i < 0)
            {
                continue;
            }
            if (times.Dom < 0)
            {
                missed++;
                continue;
            }
            Record(inDom, (long)(times.Dom * 1000));
            Record(nextFrame, (long)(times.Frame * 1000));
            Record(answered, (long)(times.Answered * 1000));
        }
        return (inDom, nextFrame, answered, missed);
    }

    private static List<Customer> Shuffled(List<Customer> customers, Random random)
    {
        var copy = customers.ToArray();
        random.Shuffle(copy);
        return [.. copy];
    }

    /// <summary>Microseconds, from 1 µs to 10 minutes, 3 significant digits.</summary>
    private static LongHistogram NewHistogram() => new(600_000_000, 3);

    private static void Record(LongHistogram histogram, long micros) => histogram.RecordValue(Math.Clamp(micros, 1, 600_000_000));

    private static string Ms(long micros) => (micros / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static void Row(string name, LongHistogram h) =>
        Console.WriteLine(h.TotalCount == 0
            ? $"| {name} | 0 | | | | |"
            : $"| {name} | {h.TotalCount} | {Ms(h.GetValueAtPercentile(50))} | {Ms(h.GetValueAtPercentile(90))} | " +
              $"{Ms(h.GetValueAtPercentile(99))} | {Ms(h.GetMaxValue())} |");
}
