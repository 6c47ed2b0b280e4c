using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

public sealed partial class ValueTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private static double Figure(string output, string name)
    {
        var match = Regex.Match(output, $@"\b{Regex.Escape(name)} = (-?[0-9.]+)");
        Assert.True(match.Success, $"'{name} = ...' not in the output:\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static double Round(double value, int significant) =>
        Math.Round(value, significant - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));

    [Fact]
    public async Task Fit_on_the_cdnow_summary_prints_the_papers_parameters_and_stores_a_model_version()
    {
        var csv = TestEnvironment.RequireSharedData(Path.Combine("cdnow", "cdnow_customers_summary_with_transactions.csv"));
        using var data = new TempDirectory("fit");

        var (exit, output, error) = await HostProcess.RunCommandAsync("fit", "--summary-csv", csv, $"--Storage:DataDirectory={data.Path}");

        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        Assert.Equal(0.243, Round(Figure(output, "r"), 3));
        Assert.Equal(4.41, Round(Figure(output, "alpha"), 3));
        Assert.Equal(0.793, Round(Figure(output, "a"), 3));
        Assert.Equal(2.43, Round(Figure(output, "b"), 3));
        Assert.Equal(6.25, Round(Figure(output, "p"), 3));
        Assert.Equal(3.74, Round(Figure(output, "q"), 3));
        Assert.Equal(15.4, Round(Figure(output, "gamma"), 3));
        Assert.Contains("Stored as value model m1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fit_refuses_a_malformed_summary_naming_the_line()
    {
        using var data = new TempDirectory("fit-bad");
        var csv = Path.Combine(data.Path, "bad.csv");
        await File.WriteAllTextAsync(csv, "ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n2,two,1,2,3\n", TestContext.Current.CancellationToken);

        var (exit, _, error) = await HostProcess.RunCommandAsync("fit", "--summary-csv", csv, $"--Storage:DataDirectory={data.Path}");

        Assert.Equal(2, exit);
        Assert.Contains("line 3", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_snapshot_shows_the_live_value_and_it_decays_with_time_alone()
    {
        using var data = new TempDirectory("value");
        await using var host = new HostProcess(data.Path);
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        var events = Enumerable.Range(0, 8)
            .Select(i => EventJson.Purchase($"v{i}", "vera", Start.AddDays(21 * i), 40m + i))
            .Append(EventJson.Contact("v-call", "vera", Start.AddDays(30)))
            .ToArray();
        await api.PostEventsAsync(EventJson.Batch(events));
        await api.WaitForAppliedEventsAsync("vera", 9);

        var lastPurchase = Start.AddDays(21 * 7);
        var (_, soon) = await api.GetCustomerAsync("vera", EventJson.Stamp(lastPurchase.AddDays(7)));
        var (_, yearLater) = await api.GetCustomerAsync("vera", EventJson.Stamp(lastPurchase.AddDays(372)));

        var value = soon.GetProperty("value");
        foreach (var field in new[] { "pAlive", "expectedPurchases", "expectedSpend", "clv", "costToServe", "netValue" })
        {
            Assert.True(value.GetProperty(field).GetDouble() is var v && double.IsFinite(v), $"{field} is missing or not finite");
        }
        Assert.Equal("cdnow-2005-default", value.GetProperty("modelVersion").GetString());
        Assert.Equal("uncalibrated", value.GetProperty("populationVersion").GetString());
        // No population measured yet: a profitable customer has no tier and no percentile, rather than a made-up median.
        Assert.Equal("uncalibrated", value.GetProperty("tier").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, value.TryGetProperty("netValuePercentile", out var percentile) ? percentile.ValueKind : System.Text.Json.JsonValueKind.Null);
        Assert.True(value.GetProperty("pAlive").GetDouble() > 0.8, "a customer buying every three weeks is alive a week after buying");

        var later = yearLater.GetProperty("value");
        Assert.True(later.GetProperty("pAlive").GetDouble() < value.GetProperty("pAlive").GetDouble() / 2, "P(alive) falls after a silent year");
        Assert.True(later.GetProperty("clv").GetDouble() < value.GetProperty("clv").GetDouble(), "CLV falls after a silent year");
    }

    [Fact]
    public async Task A_fit_over_the_customer_base_reaches_the_running_engine_without_a_restart()
    {
        using var data = new TempDirectory("refit");
        var settings = new Dictionary<string, string>
        {
            ["Snapshots:Interval"] = "00:00:01",
            ["ValueModel:RefreshInterval"] = "00:00:00.500",
        };
        await using var host = new HostProcess(data.Path, settings);
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);

        var (events, purchasesOf) = SimulatedBase(Customers, DateTimeOffset.UtcNow);
        var (status, _) = await api.PostEventsAsync(EventJson.Batch([.. events]));
        Assert.Equal(HttpStatusCode.Accepted, status);
        foreach (var (customer, purchases) in purchasesOf)
        {
            await api.WaitForAppliedEventsAsync(customer, purchases);
        }

        var (exit, output, error) = await Eventually.UntilAsync(
            () => HostProcess.RunCommandAsync("fit", $"--Storage:DataDirectory={data.Path}"),
            r => r.ExitCode == 0 && r.Output.Contains($"over {Customers} customers", StringComparison.Ordinal),
            $"the read model to hold all {Customers} customers and the fit to succeed", TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, error);
        Assert.Contains("Population p", output, StringComparison.Ordinal);
        // An earlier attempt may have fitted (and stored) a part of the base: the engine must use the model of this one.
        var stored = System.Text.RegularExpressions.Regex.Match(output, @"Stored as value model (m\d+)").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(stored), output);

        var snapshot = await Eventually.UntilAsync(
            async () => (await api.GetCustomerAsync("base-5")).Body,
            s => s.GetProperty("value").GetProperty("modelVersion").GetString() == stored
                 && s.GetProperty("value").GetProperty("populationVersion").GetString()!.StartsWith('p'),
            "the running engine to score with the new model and its population (stored one after the other)");
        var value = snapshot.GetProperty("value");
        Assert.StartsWith("p", value.GetProperty("populationVersion").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[1-5]{3}$", value.GetProperty("rfm").GetString()!);

        // Across the base the tiers follow the 20/30/rest rule.
        var tiers = new Dictionary<string, int>();
        foreach (var customer in purchasesOf.Keys)
        {
            var (_, s) = await api.GetCustomerAsync(customer);
            var tier = s.GetProperty("value").GetProperty("tier").GetString()!;
            tiers[tier] = tiers.GetValueOrDefault(tier) + 1;
        }
        Assert.InRange(tiers.GetValueOrDefault("A"), Customers * 15 / 100, Customers * 25 / 100);
        Assert.InRange(tiers.GetValueOrDefault("A") + tiers.GetValueOrDefault("B"), Customers * 45 / 100, Customers * 55 / 100);
    }

    private const int Customers = 200;

    /// <summary>
    /// A customer base as the BG/NBD story tells it: each customer buys at their own rate and may drop out after
    /// any purchase; spend varies around each customer's own mean. Fixed seed, over the 40 weeks before <paramref name="now"/>.
    /// </summary>
    internal static (JsonObject[] Events, Dictionary<string, int> PurchasesOf) SimulatedBase(int customers, DateTimeOffset now)
    {
        var random = new Random(20261124);
        double Exponential(double mean) => -mean * Math.Log(1 - random.NextDouble());
        var events = new List<JsonObject>();
        var purchasesOf = new Dictionary<string, int>();
        var start = now.AddDays(-40 * 7);
        for (var c = 0; c < customers; c++)
        {
            var id = $"base-{c}";
            var weeksBetween = 1 + Exponential(6);            // the customer's own rhythm
            var dropOut = random.NextDouble() * 0.5;           // chance to leave after each purchase
            var meanSpend = 15 + Exponential(40);
            var at = start.AddDays(random.NextDouble() * 10 * 7);
            var n = 0;
            while (at < now.AddDays(-1))
            {
                // Gamma(3)-distributed around the customer's mean, as the Gamma-Gamma model assumes.
                var amount = Math.Round((decimal)(meanSpend * (Exponential(1) + Exponential(1) + Exponential(1)) / 3), 2) + 0.01m;
                events.Add(EventJson.Purchase($"{id}-{n}", id, at, amount));
                n++;
                if (random.NextDouble() < dropOut)
                {
                    break;
                }
                at = at.AddDays(Math.Max(1, Exponential(weeksBetween) * 7));
            }
            purchasesOf[id] = n;
        }
        return ([.. events], purchasesOf);
    }
}
