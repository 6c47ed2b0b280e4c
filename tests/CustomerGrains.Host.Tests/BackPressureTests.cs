using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// Back-pressure instead of unbounded lag: while delivery to the customers is further behind than Ingest:MaxDeliveryLag,
/// a batch is refused with 503 and Retry-After, nothing of it appended; once delivery has caught up it goes in whole.
/// </summary>
public sealed class BackPressureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Batch(string prefix, int customers) => EventJson.Batch([.. Enumerable.Range(0, customers)
        .Select(i => EventJson.Purchase($"{prefix}-{i}", $"{prefix}-c{i}", DateTimeOffset.UtcNow.AddDays(-1), 10m + i))]);

    [Fact]
    public async Task A_batch_is_refused_while_delivery_lags_behind_the_bound_and_accepted_whole_once_it_caught_up()
    {
        using var data = new TempDirectory("back-pressure");
        // A bound of a millisecond: any event not yet delivered (and checkpointed) holds the next batch back.
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Ingest:MaxDeliveryLag"] = "00:00:00.001",
            ["Ingest:BacklogCheckInterval"] = "00:00:00.010",
        });
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);

        HttpResponseMessage? refused = null;
        JsonObject? refusedBatch = null;
        for (var round = 0; refused is null && round < 200; round++)
        {
            var batch = Batch($"bp{round}", 200);
            var response = await api.Http.PostAsJsonAsync(new Uri("/api/interactions", UriKind.Relative), batch, Ct);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                (refused, refusedBatch) = (response, batch);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                response.Dispose();
            }
        }
        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "the refusal says when to come back");
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("Delivery is behind; nothing of this batch was accepted", problem.GetProperty("title").GetString());
            Assert.Contains("Ingest:MaxDeliveryLag", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(problem.GetProperty("retryAfterSeconds").GetInt32() >= 1);
        }

        // Once every event has reached its customer, the refused batch goes in whole: none of it was appended before.
        var accepted = await Eventually.UntilAsync(() => api.PostEventsAsync(refusedBatch!), r => r.Status == HttpStatusCode.Accepted,
            "delivery to catch up and the batch to be taken", TimeSpan.FromSeconds(60));
        Assert.Equal(200, accepted.Body.GetProperty("accepted").GetArrayLength());
        Assert.Equal(0, accepted.Body.GetProperty("duplicates").GetArrayLength());
    }

    [Fact]
    public async Task A_backfill_batch_gives_way_while_the_engine_is_busy_and_a_live_batch_does_not()
    {
        using var data = new TempDirectory("backfill");
        // A limit no running engine stays under: every backfill batch finds the engine busy.
        await using var host = new HostProcess(data.Path, new Dictionary<string, string> { ["Ingest:BackfillCpuLimit"] = "0.0001" });
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        var batch = Batch("bf", 20);

        using (var refused = await api.Http.PostAsJsonAsync(new Uri("/api/interactions?backfill=true", UriKind.Relative), batch, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("Busy with live traffic; the backfill batch was not accepted", problem.GetProperty("title").GetString());
            Assert.Contains("Ingest:BackfillCpuLimit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // The same batch as live traffic goes in whole: nothing of it was appended by the refused one.
        var accepted = await api.PostEventsAsync(batch);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal(20, accepted.Body.GetProperty("accepted").GetArrayLength());
        Assert.Equal(0, accepted.Body.GetProperty("duplicates").GetArrayLength());
    }
}
