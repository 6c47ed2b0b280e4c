using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CustomerGrains.LoadTests.Runner;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Scenarios;

/// <summary>
/// Measures event-to-visible latency: a pool of probe customers, made active before the run (so new
/// events reach them through the stream, not through activation), each used by one iteration at a time:
/// post one event, then read the customer until it shows it.
/// </summary>
internal sealed class VisibilityProbes(HttpTarget http, string run, int count)
{
    private readonly ConcurrentQueue<Probe> free = new();

    private sealed class Probe(string id)
    {
        public string Id { get; } = id;
        public string Path { get; } = $"/api/customers/{id}";
        public int Applied { get; set; } = 1;
    }

    /// <summary>Creates the probe customers and waits until each one is visible.</summary>
    public async Task InitAsync(CancellationToken cancellation)
    {
        var probes = Enumerable.Range(0, count).Select(i => new Probe($"vis-{run}-{i}")).ToArray();
        var body = "{\"events\":[" + string.Join(',', probes.Select(p => Event(p.Id, $"{p.Id}-0"))) + "]}";
        var (status, text) = await http.PostTextAsync("/api/interactions", Encoding.UTF8.GetBytes(body), cancellation);
        if (status != 202)
        {
            throw new InvalidOperationException($"Creating the visibility probes answered {status}: {text}");
        }
        foreach (var probe in probes)
        {
            await Data.Seeder.WaitVisibleAsync(http, probe.Id, 1, cancellation);
            free.Enqueue(probe);
        }
    }

    /// <summary>Step 1: post one event to a free probe customer (fails with 409 when all probes are busy).</summary>
    public async ValueTask<StepResult> PostAsync(StepContext context)
    {
        if (!free.TryDequeue(out var probe))
        {
            return StepResult.Fail(409);
        }
        probe.Applied++;
        context.State = probe;
        var body = Encoding.UTF8.GetBytes("{\"events\":[" + Event(probe.Id, $"{probe.Id}-{probe.Applied}") + "]}");
        var result = await http.PostJsonAsync("/api/interactions", body, context.Cancellation);
        if (!result.IsOk)
        {
            probe.Applied--;
            free.Enqueue(probe);
        }
        return result;
    }

    /// <summary>Step 2: read the probe customer until it shows the event (polling every 2 ms, at most 30 s).</summary>
    public async ValueTask<StepResult> VisibleAsync(StepContext context)
    {
        var probe = (Probe)context.State!;
        var expected = $"\"appliedEvents\":{probe.Applied},";
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                var (status, body) = await http.GetTextAsync(probe.Path, context.Cancellation);
                if (status == 200 && body.Contains(expected, StringComparison.Ordinal))
                {
                    return StepResult.Ok(200, body.Length);
                }
                await Task.Delay(2, context.Cancellation);
            }
            return StepResult.Fail(StepResult.TimeoutStatus);
        }
        finally
        {
            free.Enqueue(probe);
        }
    }

    private static string Event(string customer, string eventId) =>
        $$"""{"eventId":"{{eventId}}","customerId":"{{customer}}","type":"contact","occurredAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-dd'T'HH:mm:ss'Z'}}","source":"loadtest","channel":"phone","reason":"probe"}""";
}
