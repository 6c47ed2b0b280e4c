using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using HdrHistogram;

namespace CustomerGrains.LoadTests;

/// <summary>
/// Measures one request at a time against a running engine: the time to acknowledge an ingest, the time
/// until the ingested event is visible on the customer, and warm reads. Closed-loop on purpose: it shows
/// the latency of an idle engine, not its behaviour under load.
/// </summary>
internal static class LatencyProbe
{
    public static async Task<int> RunAsync(Cli.CommandLine cli)
    {
        if (cli.Rejected(Console.Error))
        {
            return 1;
        }
        var target = new Uri(cli.Get("target", "http://127.0.0.1:5080"));
        var samples = cli.Int("samples", 300);
        var warmReads = cli.Int("warm-reads", 2000);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4 }) { BaseAddress = target };

        var run = Guid.NewGuid().ToString("N")[..8];
        var ack = NewHistogram();
        var visible = NewHistogram();
        var reads = NewHistogram();
        var streamed = NewHistogram();
        var day = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        for (var i = 0; i < samples + 20; i++)
        {
            var customer = $"probe-{run}-{i}";
            var body = $$"""{"events":[{"eventId":"{{customer}}-e1","customerId":"{{customer}}","type":"purchase","occurredAt":"{{day:yyyy-MM-dd'T'HH:mm:ss'Z'}}","source":"probe","orderId":"o1","amount":10,"currency":"EUR"}]}""";
            var start = Stopwatch.GetTimestamp();
            using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
            using (var response = await http.PostAsync(new Uri("/api/interactions", UriKind.Relative), content))
            {
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Console.Error.WriteLine($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    return 1;
                }
            }
            var acked = Stopwatch.GetTimestamp();
            while (true)
            {
                using var read = await http.GetAsync(new Uri($"/api/customers/{customer}", UriKind.Relative));
                if (read.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
                if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(30))
                {
                    Console.Error.WriteLine($"customer {customer} not visible after 30 s");
                    return 1;
                }
            }
            var seen = Stopwatch.GetTimestamp();
            if (i >= 20)   // the first ones warm up the connection pool and the JIT
            {
                ack.RecordValue(acked - start);
                visible.RecordValue(seen - start);
            }
        }

        // An active customer: the new event reaches it through the stream, not through activation catch-up.
        var active = $"probe-{run}-0";
        for (var i = 0; i < samples; i++)
        {
            var body = $$"""{"events":[{"eventId":"{{active}}-s{{i}}","customerId":"{{active}}","type":"contact","occurredAt":"{{day:yyyy-MM-dd'T'HH:mm:ss'Z'}}","source":"probe","channel":"phone"}]}""";
            var start = Stopwatch.GetTimestamp();
            using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
            using (var response = await http.PostAsync(new Uri("/api/interactions", UriKind.Relative), content))
            {
                response.EnsureSuccessStatusCode();
            }
            var expected = $"\"appliedEvents\":{i + 2},";
            while (!(await http.GetStringAsync(new Uri($"/api/customers/{active}", UriKind.Relative))).Contains(expected, StringComparison.Ordinal))
            {
                if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(30))
                {
                    Console.Error.WriteLine($"event {i} of {active} not visible after 30 s");
                    return 1;
                }
            }
            streamed.RecordValue(Stopwatch.GetTimestamp() - start);
        }

        var warmCustomer = active;
        for (var i = 0; i < warmReads + 100; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var read = await http.GetAsync(new Uri($"/api/customers/{warmCustomer}", UriKind.Relative));
            read.EnsureSuccessStatusCode();
            if (i >= 100)
            {
                reads.RecordValue(Stopwatch.GetTimestamp() - start);
            }
        }

        Console.WriteLine($"target {target}, {samples} ingest samples, {warmReads} warm reads, one request at a time; generator on the same machine");
        Console.WriteLine("| measure | p50 ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Row("ingest acknowledged (202)", ack);
        Row("ingest to visible, new customer (activation catches up)", visible);
        Row("ingest to visible, active customer (via the stream)", streamed);
        Row("warm read GET /api/customers/{id}", reads);
        return 0;
    }

    private static LongHistogram NewHistogram() => new(TimeSpan.FromMinutes(1).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond, 3);

    private static void Row(string name, HistogramBase h)
    {
        static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"| {name} | {Ms(h.GetValueAtPercentile(50))} | {Ms(h.GetValueAtPercentile(90))} | {Ms(h.GetValueAtPercentile(99))} | {Ms(h.GetMaxValue())} |");
    }
}
