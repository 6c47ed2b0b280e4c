using System.Globalization;
using System.Net;
using System.Text.Json;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host behind a trusted proxy on loopback, so a request can come from another address (<c>X-Forwarded-For</c>).</summary>
public sealed class ProxiedHost : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Proxy:Enabled"] = "true" };
}

/// <summary><c>/metrics</c> over real HTTP: the engine's metrics in Prometheus text, rising with use; closed to remote non-operators.</summary>
public sealed class MetricsTests(ProxiedHost host) : IClassFixture<ProxiedHost>
{
    private const string RemoteAddress = "203.0.113.7";

    private static readonly string[] EngineMetricNames =
    [
        "customergrains_events_acknowledged", "customergrains_events_appended", "customergrains_events_applied",
        "customergrains_log_append_duration", "customergrains_read_duration", "customergrains_customers_active",
        "customergrains_audit_appended", "customergrains_delivery_lag_events", "customergrains_delivery_lag_seconds",
        "customergrains_log_append_wait_seconds", "customergrains_events_visible_delay",
    ];

    [Fact]
    public async Task Metrics_list_the_engine_instruments_and_count_ingest_and_screen_pops()
    {
        var before = await ScrapeAsync();
        var customer = $"metrics-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        var (status, _) = await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{customer}-p", customer, at, "Mia Metric", ["+1 212 555 0177"]),
            EventJson.Purchase($"{customer}-o", customer, at.AddHours(1), 42m)));
        Assert.Equal(HttpStatusCode.Accepted, status);
        await host.Api.WaitForAppliedEventsAsync(customer, 2);
        await Eventually.UntilAsync(async () =>
        {
            using var pop = await host.Api.Http.GetAsync(new Uri("/api/screenpop?ani=%2B12125550177", UriKind.Relative));
            var body = JsonDocument.Parse(await pop.Content.ReadAsStringAsync()).RootElement;
            return pop.StatusCode == HttpStatusCode.OK && body.GetProperty("customers").GetArrayLength() == 1;
        }, "the screen-pop to find the customer's number");

        var after = await Eventually.UntilAsync(ScrapeAsync,
            now => EngineMetricNames.All(name => now.Text.Contains($"# TYPE {name}", StringComparison.Ordinal))
                   && now.Sum("customergrains_read_duration", "_count", "path=\"screenpop\"") > before.Sum("customergrains_read_duration", "_count", "path=\"screenpop\""),
            "every engine metric to be listed and the screen-pop to be counted");

        Assert.True(after.Sum("customergrains_events_appended") - before.Sum("customergrains_events_appended") >= 2, after.Text);
        Assert.True(after.Sum("customergrains_events_acknowledged") - before.Sum("customergrains_events_acknowledged") >= 2, after.Text);
        Assert.True(after.Sum("customergrains_events_applied") - before.Sum("customergrains_events_applied") >= 2, after.Text);
        // Both events of the new customer were made visible (the first delivery activated it: its catch-up applied them).
        Assert.True(after.Sum("customergrains_events_visible_delay", "_count") - before.Sum("customergrains_events_visible_delay", "_count") >= 2, after.Text);
        Assert.True(after.Sum("customergrains_log_append_duration", "_count") > before.Sum("customergrains_log_append_duration", "_count"), after.Text);
        Assert.True(after.Sum("customergrains_audit_appended") > before.Sum("customergrains_audit_appended"), after.Text);
        Assert.True(after.Sum("customergrains_customers_active") >= 1, after.Text);
        // Millisecond buckets: a read from memory lands well below the top bound.
        Assert.Contains("le=\"0.5\"", after.Text, StringComparison.Ordinal);
        // Orleans' and ASP.NET Core's meters are exported beside the engine's.
        Assert.Contains("# TYPE http_server_request_duration", after.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orleans_", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_caller_needs_an_operator_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await RemoteScrapeAsync(null));
        Assert.Equal(HttpStatusCode.Forbidden, await RemoteScrapeAsync(DemoKeys.Agent));
        Assert.Equal(HttpStatusCode.Forbidden, await RemoteScrapeAsync(DemoKeys.Supervisor));
        Assert.Equal(HttpStatusCode.OK, await RemoteScrapeAsync(DemoKeys.Admin));
    }

    private async Task<HttpStatusCode> RemoteScrapeAsync(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", RemoteAddress);
        if (key is not null)
        {
            request.Headers.Add(DemoKeys.Header, key);
        }
        using var response = await host.Api.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>Scrapes as a local agent does: from loopback, without credentials.</summary>
    private async Task<Exposition> ScrapeAsync()
    {
        using var response = await host.Api.Anonymous.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return new Exposition(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A Prometheus text exposition: sums the samples of a metric (any unit and <c>_total</c> suffix).</summary>
    private sealed record Exposition(string Text)
    {
        public double Sum(string metric, string sampleSuffix = "", string? label = null) =>
            Text.Split('\n')
                .Where(line => line.StartsWith(metric, StringComparison.Ordinal) && !line.StartsWith('#'))
                .Select(line => (Name: line[..line.IndexOfAny(['{', ' '])], Line: line))
                .Where(s => s.Name.EndsWith(sampleSuffix, StringComparison.Ordinal) && !IsOtherSeries(s.Name, sampleSuffix)
                            && (label is null || s.Line.Contains(label, StringComparison.Ordinal)))
                .Sum(s => ValueOf(s.Line));

        // Without a suffix asked for, a histogram's _bucket/_sum/_count series are not the metric's own value.
        private static bool IsOtherSeries(string name, string suffix) =>
            suffix.Length == 0 && (name.EndsWith("_bucket", StringComparison.Ordinal) || name.EndsWith("_sum", StringComparison.Ordinal) || name.EndsWith("_count", StringComparison.Ordinal));

        /// <summary>The sample's value: after the labels (or the name), before an optional timestamp.</summary>
        private static double ValueOf(string line)
        {
            var rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
            return double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
    }
}
