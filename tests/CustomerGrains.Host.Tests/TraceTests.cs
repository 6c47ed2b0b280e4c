using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Host.Hosting;
using CustomerGrains.Testing;
using Microsoft.AspNetCore.Builder;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// Traces over real HTTP: the engine is built in the test process (its own wiring, Kestrel on a free loopback port) so
/// that an <see cref="ActivityListener"/> sees every span it makes; each request must be one trace whose parent-child
/// chain runs from the HTTP request down to the engine's work and the grain calls.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> spans = new();
    private readonly TempDirectory data = new("traces");
    private readonly ActivityListener listener;
    private WebApplication? app;
    private ApiClient? api;

    public TraceTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or EngineActivities.SourceName || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public async ValueTask InitializeAsync()
    {
        var port = TestEnvironment.FreePort();
        string[] args =
        [
            $"--urls=http://127.0.0.1:{port}", $"--Storage:DataDirectory={data.Path}",
            $"--Orleans:SiloPort={TestEnvironment.FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--Orleans:GatewayPort={TestEnvironment.FreePort().ToString(CultureInfo.InvariantCulture)}",
            // Spans are recorded when a collector is configured (none listens here: the export fails quietly).
            $"--{Telemetry.OtlpEndpointSetting}=http://127.0.0.1:{TestEnvironment.FreePort().ToString(CultureInfo.InvariantCulture)}",
        ];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, EnvironmentName = "Development", ContentRootPath = Path.GetDirectoryName(HostProcess.HostAssembly),
        });
        builder.AddCustomerGrainsHost();
        app = builder.Build();
        app.MapCustomerGrainsEndpoints();
        await app.StartAsync();
        api = new ApiClient(new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        api?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        listener.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task An_ingest_and_a_screen_pop_are_each_one_trace_from_the_request_down_to_the_grains()
    {
        var customer = $"trace-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var (status, _) = await api!.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{customer}-p", customer, at, "Tom Trace", ["+1 212 555 0133"]),
            EventJson.Purchase($"{customer}-o", customer, at.AddHours(1), 12m)));
        Assert.Equal(HttpStatusCode.Accepted, status);

        // The ingest: the request's span is the parent of the durable append.
        var ingest = await RequestSpanAsync("POST", "/api/interactions");
        var append = Assert.Single(spans, s => s.OperationName == EngineActivities.Append && s.TraceId == ingest.TraceId);
        Assert.Equal(ingest.SpanId, append.ParentSpanId);

        // The apply follows from the log (after the 202): a partition reader's delivery is the parent of the grain call
        // that applies the events to the customer.
        await api.WaitForAppliedEventsAsync(customer, 2);
        var deliveries = spans.Where(s => s.OperationName == EngineActivities.Deliver).ToList();
        Assert.Contains(deliveries, d => spans.Any(s => s.ParentSpanId == d.SpanId && IsGrainCall(s) && s.DisplayName.Contains("DeliverAsync", StringComparison.Ordinal)));

        await Eventually.UntilAsync(async () =>
        {
            using var pop = await api.Http.GetAsync(new Uri("/api/screenpop?ani=%2B12125550133", UriKind.Relative));
            return pop.StatusCode == HttpStatusCode.OK
                   && JsonDocument.Parse(await pop.Content.ReadAsStringAsync()).RootElement.GetProperty("customers").GetArrayLength() == 1;
        }, "the screen-pop to find the customer's number");

        // The screen-pop: the directory's grain and the customer's grain are called within the request's trace, each
        // call's chain of parents leading up to the request's span.
        var pops = await Eventually.UntilAsync(() => Task.FromResult(
                spans.Where(s => IsRequest(s, "GET", "/api/screenpop") && (int?)s.GetTagItem("http.response.status_code") == 200).ToList()),
            found => found.Count > 0, "the screen-pop's request span");
        var pop = pops[^1];
        var calls = spans.Where(s => s.TraceId == pop.TraceId && IsGrainCall(s)).ToList();
        Assert.Contains(calls, c => c.DisplayName.Contains("PhoneBook", StringComparison.Ordinal) || c.DisplayName.Contains("GetCustomersAsync", StringComparison.Ordinal) || c.DisplayName.Contains("Directory", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.DisplayName.Contains("CustomerGrain", StringComparison.Ordinal));
        Assert.All(calls, c => Assert.True(LeadsTo(c, pop), $"{c.DisplayName} is not under the request's span"));
    }

    private static bool IsGrainCall(Activity span) => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal);

    private static bool IsRequest(Activity span, string method, string path) =>
        span.Source.Name == "Microsoft.AspNetCore" && span.Kind == ActivityKind.Server
        && (string?)span.GetTagItem("http.request.method") == method && (string?)span.GetTagItem("url.path") == path;

    private Task<Activity> RequestSpanAsync(string method, string path) =>
        Eventually.UntilAsync(() => Task.FromResult(spans.LastOrDefault(s => IsRequest(s, method, path))), s => s is not null, $"the span of {method} {path}")!;

    /// <summary>Whether following <paramref name="span"/>'s parents among the captured spans reaches <paramref name="root"/>.</summary>
    private bool LeadsTo(Activity span, Activity root)
    {
        var byId = spans.Where(s => s.TraceId == root.TraceId).ToDictionary(s => s.SpanId);
        for (var current = span; current is not null; current = byId.GetValueOrDefault(current.ParentSpanId))
        {
            if (current.SpanId == root.SpanId)
            {
                return true;
            }
        }
        return false;
    }
}
