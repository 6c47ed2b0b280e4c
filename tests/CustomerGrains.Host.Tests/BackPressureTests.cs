using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// Back-pressure instead of unbounded lag: while delivery to the customers is further behind than Ingest:MaxDeliveryLag,
/// or the log's writer behind its appends by more than Ingest:MaxAppendWait, a batch is refused with 503 and Retry-After,
/// nothing of it appended; once the engine has caught up it goes in whole.
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
        var problem = await RefusalAsync(refused, "Ingest:MaxDeliveryLag");
        Assert.True(problem.GetProperty("retryAfterSeconds").GetInt32() >= 1);

        // Once every event has reached its customer, the refused batch goes in whole: none of it was appended before.
        await TakenWholeAsync(api, refusedBatch!, 200, "delivery to catch up and the batch to be taken", TimeSpan.FromSeconds(60));
    }

    /// <summary>The problem of a 503 refusal naming <paramref name="setting"/>, with when to come back.</summary>
    private static async Task<JsonElement> RefusalAsync(HttpResponseMessage? refused, string setting)
    {
        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "the refusal says when to come back");
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("The engine is behind; nothing of this batch was accepted", problem.GetProperty("title").GetString());
            Assert.Contains(setting, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            return problem;
        }
    }

    /// <summary>Sends a refused batch again until it is taken, and checks it went in whole (none of it was appended by the refusal).</summary>
    private static async Task TakenWholeAsync(ApiClient api, JsonObject batch, int events, string waitingFor, TimeSpan within)
    {
        var accepted = await Eventually.UntilAsync(() => api.PostEventsAsync(batch), r => r.Status == HttpStatusCode.Accepted, waitingFor, within);
        Assert.Equal(events, accepted.Body.GetProperty("accepted").GetArrayLength());
        Assert.Equal(0, accepted.Body.GetProperty("duplicates").GetArrayLength());
    }

    [Fact]
    public async Task A_batch_is_refused_at_once_while_the_log_writer_is_behind_its_appends_and_taken_whole_later()
    {
        using var data = new TempDirectory("append-wait");
        // A bound of a millisecond: any append still waiting for the group being written holds the next batch back.
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Ingest:MaxAppendWait"] = "00:00:00.001",
            ["Ingest:MaxDeliveryLag"] = "00:00:00",
        });
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);

        // Batches sent together, as a burst does: some find the log's writer busy with the others.
        HttpResponseMessage? refused = null;
        JsonObject? refusedBatch = null;
        for (var round = 0; refused is null && round < 50; round++)
        {
            var batches = Enumerable.Range(0, 16).Select(i => Batch($"aw{round}-{i}", 100)).ToList();
            var responses = await Task.WhenAll(batches.Select(b => api.Http.PostAsJsonAsync(new Uri("/api/interactions", UriKind.Relative), b, Ct)));
            for (var i = 0; i < responses.Length; i++)
            {
                if (responses[i].StatusCode == HttpStatusCode.ServiceUnavailable && refused is null)
                {
                    (refused, refusedBatch) = (responses[i], batches[i]);
                    continue;
                }
                Assert.True(responses[i].StatusCode is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"answered {responses[i].StatusCode}");
                responses[i].Dispose();
            }
        }
        var problem = await RefusalAsync(refused, "Ingest:MaxAppendWait");
        Assert.Equal(1, problem.GetProperty("retryAfterSeconds").GetInt32());

        // Sent alone once the writer is idle, the refused batch goes in whole: none of it was appended before.
        await TakenWholeAsync(api, refusedBatch!, 100, "the log's writer to be idle and the batch to be taken", TimeSpan.FromSeconds(30));
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
