using System.Net;
using System.Text.Json;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host writing its console logs as JSON (the standard console logger setting).</summary>
public sealed class JsonLogHost : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Logging:Console:FormatterName"] = "json" };
}

/// <summary>Structured logs as an operator's collector reads them: one JSON object a line, with trace ids, without personal data.</summary>
public sealed class LogTests(JsonLogHost host) : IClassFixture<JsonLogHost>
{
    [Fact]
    public async Task Json_logs_carry_the_request_trace_and_no_contact_data()
    {
        var customer = $"logs-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        var purchase = EventJson.Purchase($"{customer}-o", customer, at, 10m);
        purchase["currency"] = "ZZZ";
        var (status, _) = await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{customer}-p", customer, at, "Lena Private", ["+1 212 555 0188"], "lena.private@example.com"),
            purchase));
        Assert.Equal(HttpStatusCode.BadRequest, status);

        var refused = await Eventually.UntilAsync(() => Task.FromResult(Entries().LastOrDefault(e => Message(e).StartsWith("A batch was refused with", StringComparison.Ordinal))),
            e => e.ValueKind == JsonValueKind.Object, "the refused batch to be logged");
        Assert.Contains("events[1].currency", Message(refused), StringComparison.Ordinal);
        Assert.Equal("Information", refused.GetProperty("LogLevel").GetString());
        Assert.EndsWith("Z", refused.GetProperty("Timestamp").GetString()!.Trim(), StringComparison.Ordinal);
        var traceIds = refused.GetProperty("Scopes").EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _))
            .Select(s => s.GetProperty("TraceId").GetString()!).ToList();
        var traceId = Assert.Single(traceIds);
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.NotEqual(new string('0', 32), traceId);

        var output = host.Host.Output;
        Assert.DoesNotContain("Lena Private", output, StringComparison.Ordinal);
        Assert.DoesNotContain("lena.private", output, StringComparison.Ordinal);
        Assert.DoesNotContain("555 0188", output, StringComparison.Ordinal);
        Assert.DoesNotContain("5550188", output, StringComparison.Ordinal);
    }

    /// <summary>Every line the host wrote, each of which must be one JSON object.</summary>
    private List<JsonElement> Entries() =>
        [.. host.Host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
        {
            var entry = JsonDocument.Parse(line).RootElement.Clone();
            Assert.Equal(JsonValueKind.Object, entry.ValueKind);
            return entry;
        })];

    private static string Message(JsonElement entry) => entry.GetProperty("Message").GetString() ?? "";
}
