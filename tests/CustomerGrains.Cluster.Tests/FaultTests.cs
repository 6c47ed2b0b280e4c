using System.Net;
using CustomerGrains.Client;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// The cluster's promises under faults, with real silo processes on a real PostgreSQL: an acknowledged
/// event is never lost nor applied twice, whatever dies.
/// </summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    /// <summary>The unexpected answers, with what each silo logged as a failure (the exception behind a 500 is only in the silo's log).</summary>
    private static string Unexpected(PostgresCluster cluster, Ingestion ingestion) =>
        string.Join("\n", ingestion.Unexpected.Take(5)) + "\n" + string.Join("\n", cluster.Silos.Select((silo, i) =>
            $"--- silo {i} failures ---\n" + string.Join("\n", FailureLines(silo.Output))));

    private static IEnumerable<string> FailureLines(string output)
    {
        var lines = output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("fail:", StringComparison.Ordinal))
            {
                foreach (var line in lines.Skip(i).Take(12))
                {
                    yield return line;
                }
            }
        }
    }

    [Fact]
    public async Task A_silo_killed_mid_ingest_loses_nothing_acknowledged_and_doubles_nothing()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 3);
        var workload = new Workload("kill", customers: 300, eventsPerCustomer: 20, batchSize: 25);
        var ingestion = new Ingestion(workload, () => [.. cluster.Running], TimeSpan.FromSeconds(30));

        var run = ingestion.RunAsync(callers: 6, TestContext.Current.CancellationToken);
        await ingestion.UntilAcknowledgedAsync(1 / 3.0, Settle);
        await cluster.Silos[1].KillAsync();
        await run.WaitAsync(Settle, TestContext.Current.CancellationToken);

        Assert.True(ingestion.Unexpected.IsEmpty, Unexpected(cluster, ingestion));
        Assert.Equal(workload.Batches.Count, ingestion.AcknowledgedBatches);
        await VerifyAsync(cluster, workload);
    }

    [Fact]
    public async Task Ingest_during_a_database_outage_is_refused_with_503_and_resumes_by_itself()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2);
        var workload = new Workload("outage", customers: 150, eventsPerCustomer: 12, batchSize: 20);
        // The bound a caller may wait: the append timeout of the silos (5 s) plus ample room for the HTTP exchange.
        var ingestion = new Ingestion(workload, () => [.. cluster.Running], TimeSpan.FromSeconds(20));

        var run = ingestion.RunAsync(callers: 4, TestContext.Current.CancellationToken);
        await ingestion.UntilAcknowledgedAsync(1 / 4.0, Settle);
        await cluster.Database.StopAsync(TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(() => Task.FromResult(ingestion.Count(HttpStatusCode.ServiceUnavailable) >= 10),
            "callers to be answered 503 while PostgreSQL is down", Settle);
        await cluster.Database.StartAsync(TestContext.Current.CancellationToken);
        await run.WaitAsync(Settle, TestContext.Current.CancellationToken);

        Assert.True(ingestion.Unexpected.IsEmpty, Unexpected(cluster, ingestion));
        Assert.True(ingestion.Timeouts.IsEmpty, string.Join("\n", ingestion.Timeouts.Take(5)));
        Assert.All(ingestion.Unavailable, problem =>
        {
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.StartsWith("Storage is unavailable", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.True(problem.GetProperty("retryAfterSeconds").GetInt32() > 0);
        });
        Assert.Equal(workload.Batches.Count, ingestion.AcknowledgedBatches);
        await VerifyAsync(cluster, workload);
    }

    [Fact]
    public async Task Reads_through_the_typed_client_keep_succeeding_through_a_rolling_restart()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 3);
        var workload = await IngestAllAsync(cluster, new Workload("rolling", customers: 100, eventsPerCustomer: 6, batchSize: 50));

        using var service = await cluster.StartClientAsync();
        var client = service.Services.GetRequiredService<ICustomerGrainsClient>();

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var customers = workload.Expected.ToArray();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var i = r;
            while (!stop.IsCancellationRequested)
            {
                var (customer, expected) = customers[i++ * 7 % customers.Length];
                try
                {
                    var snapshot = await client.GetCustomerAsync(customer);
                    if (snapshot?.AppliedEvents != expected.Events)
                    {
                        failures.Add($"{customer} showed {snapshot?.AppliedEvents} of {expected.Events} events");
                    }
                    Interlocked.Increment(ref reads);
                }
#pragma warning disable CA1031 // Every failure a caller would see is collected for the assertion.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures.Add($"{customer}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        })).ToArray();

        foreach (var silo in cluster.Silos)
        {
            await silo.StopAsync();
            var before = Volatile.Read(ref reads);
            await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref reads) >= before + 20),
                "reads to go on while a silo is down", Settle);
            await silo.StartAsync(Settle);
        }
        var last = Volatile.Read(ref reads);
        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref reads) >= last + 50),
            "reads to go on after every silo was restarted", Settle);
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        await service.StopAsync(CancellationToken.None);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {reads + failures.Count} reads failed: {string.Join("\n", failures.Take(5))}");
        await VerifyAsync(cluster, workload);
    }

    [Fact]
    public async Task A_whole_cluster_restart_keeps_every_customer_and_the_log()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2);
        var workload = await IngestAllAsync(cluster, new Workload("restart", customers: 120, eventsPerCustomer: 10, batchSize: 40));

        await Task.WhenAll(cluster.Silos.Select(s => s.StopAsync()));
        await Task.WhenAll(cluster.Silos.Select(s => s.StartAsync(Settle)));

        await VerifyAsync(cluster, workload);
        // The log kept every event: sent again, each one is recognised as a duplicate.
        using var api = new ApiClient(cluster.Silos[0].BaseAddress);
        foreach (var batch in workload.Batches)
        {
            var (status, body) = await api.PostEventsAsync(batch);
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal(0, body.GetProperty("accepted").GetArrayLength());
            Assert.Equal(batch["events"]!.AsArray().Count, body.GetProperty("duplicates").GetArrayLength());
        }
    }

    private static async Task<Workload> IngestAllAsync(PostgresCluster cluster, Workload workload)
    {
        await new Ingestion(workload, () => [.. cluster.Running], TimeSpan.FromSeconds(30)).RunAsync(4, TestContext.Current.CancellationToken);
        await VerifyAsync(cluster, workload);
        return workload;
    }

    private static async Task VerifyAsync(PostgresCluster cluster, Workload workload)
    {
        try
        {
            await workload.VerifyAsync(() => [.. cluster.Running], Settle);
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\n{cluster.Diagnostics()}", ex);
        }
    }
}
