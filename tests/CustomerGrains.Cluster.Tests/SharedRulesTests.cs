using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// The rules a cluster judges customers by are shared through PostgreSQL: a policy installed through one silo and a
/// model fitted by the <c>fit</c> command reach the customers hosted by every silo, and no silo keeps a file of its own.
/// </summary>
public sealed partial class SharedRulesTests
{
    private const int Customers = 160;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_policy_put_through_one_silo_and_a_fitted_model_reach_the_customers_of_every_silo()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2, new Dictionary<string, string>
        {
            ["ValueModel:RefreshInterval"] = "00:00:00.500",
        });
        var (events, purchasesOf) = CustomerBase(DateTimeOffset.UtcNow);
        var batches = events.Chunk(250).ToList();
        for (var b = 0; b < batches.Count; b++)
        {
            using var api = new ApiClient(cluster.Silos[b % 2].BaseAddress);
            var (status, body) = await api.PostEventsAsync(EventJson.Batch(batches[b]));
            Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        }
        foreach (var (customer, purchases) in purchasesOf)
        {
            using var api = new ApiClient(cluster.Silos[0].BaseAddress);
            await api.WaitForAppliedEventsAsync(customer, purchases, Settle);
        }

        // Where each customer lives: the test means something only if both silos host some of them.
        var hostedBy = await HostingSilosAsync(cluster, purchasesOf.Keys);
        var onSecond = purchasesOf.Keys.Where(c => hostedBy.GetValueOrDefault(c) == cluster.Silos[1].SiloPort).ToList();
        var onFirst = purchasesOf.Keys.Where(c => hostedBy.GetValueOrDefault(c) == cluster.Silos[0].SiloPort).ToList();
        Assert.True(onFirst.Count > 0 && onSecond.Count > 0, $"customers on the first silo: {onFirst.Count}, on the second: {onSecond.Count}");

        // A policy installed through the first silo: decisions of customers hosted by the second use it once its refresh ran.
        using var first = new ApiClient(cluster.Silos[0].BaseAddress);
        using var second = new ApiClient(cluster.Silos[1].BaseAddress);
        var policy = (await first.Http.GetFromJsonAsync<JsonObject>(new Uri("/api/policy", UriKind.Relative), TestContext.Current.CancellationToken))!;
        policy["version"] = "cluster-shared-1";
        using (var put = await first.Http.PutAsJsonAsync(new Uri("/api/policy", UriKind.Relative), policy, TestContext.Current.CancellationToken))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        foreach (var customer in onSecond.Take(5))
        {
            await Eventually.UntilAsync(
                async () => (await DecisionAsync(second, customer)).GetProperty("policyVersion").GetString(),
                version => version == "cluster-shared-1",
                $"the decision for {customer} (hosted by the second silo, asked through it) to use the policy put through the first", Settle);
        }
        var served = (await second.Http.GetFromJsonAsync<JsonObject>(new Uri("/api/policy", UriKind.Relative), TestContext.Current.CancellationToken))!;
        Assert.Equal("cluster-shared-1", served["version"]!.GetValue<string>());

        // fit, run as an operator runs it in cluster mode: it reads every customer from PostgreSQL and stores the model there.
        await Eventually.UntilAsync(() => ReadModelCountAsync(cluster), n => n == Customers,
            $"the read model to hold all {Customers} customers", Settle);
        var (exit, output, error) = await HostProcess.RunCommandAsync("fit", "--Storage:Mode=Postgres",
            $"--Storage:Postgres:ConnectionString={cluster.Database.ConnectionString}", "--Storage:Postgres:MigrateAtStart=false");
        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        Assert.Contains($"over {Customers} customers", output, StringComparison.Ordinal);
        var model = "m" + StoredModel().Match(output).Groups[1].Value;

        foreach (var customer in onFirst.Take(3).Concat(onSecond.Take(3)))
        {
            await Eventually.UntilAsync(
                async () => (await second.GetCustomerAsync(customer)).Body.GetProperty("value"),
                value => value.GetProperty("modelVersion").GetString() == model && value.GetProperty("populationVersion").GetString()!.StartsWith('p'),
                $"customer {customer} (on port {hostedBy[customer]}) to be scored with {model} and its population", Settle);
        }

        // Nothing of it was kept in a silo's own files.
        foreach (var silo in cluster.Silos)
        {
            Assert.Empty(Directory.EnumerateFiles(silo.DataDirectory, "*.db", SearchOption.AllDirectories));
        }

        // fit with a calibration and a hold-out period reads every purchase from the cluster's interaction log.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (calibrationEnd, holdoutEnd) = (today.AddDays(-120), today);
        var (cohort, holdoutPurchases) = EventJson.HoldoutCut(events, calibrationEnd, holdoutEnd);
        using var reports = new TempDirectory("cluster-holdout");
        var (holdoutExit, holdoutOutput, holdoutError) = await HostProcess.RunCommandAsync("fit", "--Storage:Mode=Postgres",
            $"--Storage:Postgres:ConnectionString={cluster.Database.ConnectionString}", "--Storage:Postgres:MigrateAtStart=false",
            "--calibration-end", calibrationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "--holdout-end", holdoutEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--model", "bgnbd", "--report-dir", reports.Path);
        Assert.True(holdoutExit == 0, $"fit with a hold-out failed ({holdoutExit}): {holdoutError}\n{holdoutOutput}");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| total | {cohort} | {holdoutPurchases} |"), holdoutOutput, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> DecisionAsync(ApiClient api, string customer)
    {
        using var response = await api.Http.GetAsync(new Uri($"/api/customers/{customer}/decision?channel=phone", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The silo port of the silo each customer's grain is active on, from the cluster's management grain.</summary>
    private static async Task<Dictionary<string, int>> HostingSilosAsync(PostgresCluster cluster, IEnumerable<string> customers)
    {
        using var host = await cluster.StartClientAsync();
        var wanted = customers.ToHashSet(StringComparer.Ordinal);
        var statistics = await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        await host.StopAsync(CancellationToken.None);
        return statistics
            .Where(s => wanted.Contains(s.GrainId.Key.ToString()!))
            .GroupBy(s => s.GrainId.Key.ToString()!)
            .ToDictionary(g => g.Key, g => g.First().SiloAddress.Endpoint.Port);
    }

    private static async Task<long> ReadModelCountAsync(PostgresCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.Database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM customer_read_model", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Customers who buy at their own pace around their own spend, and may stop after any purchase (the story the value
    /// models tell), over the ten months before <paramref name="now"/>; fixed seed.
    /// </summary>
    private static (List<JsonObject> Events, Dictionary<string, int> PurchasesOf) CustomerBase(DateTimeOffset now)
    {
        var random = new Random(5_311);
        double Exponential(double mean) => -mean * Math.Log(1 - random.NextDouble());
        var events = new List<JsonObject>();
        var purchasesOf = new Dictionary<string, int>();
        for (var c = 0; c < Customers; c++)
        {
            var customer = $"shared-{c}";
            var meanGapDays = 7 * (1 + Exponential(5));
            var stopChance = random.NextDouble() * 0.5;
            var meanSpend = 20 + Exponential(35);
            var at = now.AddDays(-300 + random.NextDouble() * 60);
            var n = 0;
            while (at < now.AddDays(-1))
            {
                var amount = Math.Round((decimal)(meanSpend * (0.4 + 1.2 * random.NextDouble())), 2) + 0.01m;
                events.Add(EventJson.Purchase(string.Create(CultureInfo.InvariantCulture, $"{customer}-{n}"), customer, at, amount));
                n++;
                if (random.NextDouble() < stopChance)
                {
                    break;
                }
                at = at.AddDays(Math.Max(1, Exponential(meanGapDays)));
            }
            purchasesOf[customer] = n;
        }
        return (events, purchasesOf);
    }

    [GeneratedRegex(@"Stored as value model m(\d+)")]
    private static partial Regex StoredModel();
}
