using System.Net.Http.Headers;
using System.Text.Json;
using CustomerGrains.LoadTests.Baseline;
using CustomerGrains.LoadTests.Cli;
using CustomerGrains.Testing;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>
/// The runner as a load tester uses it: the README's seed against a real host, then the screen-pop spike against that
/// host and the PostgreSQL baseline the runner starts itself. What is checked is that the run works and that engine and
/// baseline do the same work (the same card), not how fast either is.
/// </summary>
public sealed class EngineRunTests
{
    [Fact]
    public async Task The_seed_and_the_screen_pop_spike_run_against_a_real_host_and_the_baseline_answers_the_same_card()
    {
        var ct = TestContext.Current.CancellationToken;
        if (!PrivatePostgres.IsInstalled())
        {
            const string message = "PostgreSQL 15 is not installed at /usr/lib/postgresql/15/bin (Debian package postgresql-15).";
            if (TestEnvironment.IsCi)
            {
                Assert.Fail(message);
            }
            Assert.Skip(message);
        }
        using var hostData = new TempDirectory("lt-engine-host");
        using var seed = new TempDirectory("lt-engine-seed");
        using var report = new TempDirectory("lt-engine-report");
        await using var host = new HostProcess(hostData.Path);
        await host.StartAsync();
        var target = host.BaseAddress.ToString();

        using var seedOutput = new StringWriter();
        var seeded = await SeedCommand.RunAsync(new CommandLine(
            ["seed", "--customers", "40", "--target", target, "--data", seed.Path, "--api-key", DemoKeys.Service]), seedOutput, ct);
        Assert.True(seeded == 0, seedOutput.ToString());

        using var runOutput = new StringWriter();
        var ran = await RunCommand.RunAsync(new CommandLine(
            ["run", "screenpop-spike", "--target", target, "--data", seed.Path, "--api-key", DemoKeys.Agent, "--rate", "30", "--ramp", "0",
             "--duration", "3s", "--warm-up", "0", "--floors", "off", "--realtime", "off", "--out", report.Path, "--threshold", "fail% < 0.1"]), runOutput, ct);
        Assert.True(ran == RunCommand.Passed, runOutput.ToString());

        // The summary has the engine's and the baseline's rows, both with answers and without failures.
        var rows = (await File.ReadAllLinesAsync(Path.Combine(report.Path, "summary.csv"), ct)).Select(l => l.Split(',')).ToList();
        var columns = rows[0].ToList();
        var byRole = rows.Skip(1).Where(r => r[columns.IndexOf("role")] is "engine" or "baseline").ToLookup(r => r[columns.IndexOf("role")]);
        foreach (var role in new[] { "engine", "baseline" })
        {
            var row = Assert.Single(byRole[role].Take(1));
            Assert.True(int.Parse(row[columns.IndexOf("ok")], System.Globalization.CultureInfo.InvariantCulture) > 0, $"{role} answered");
            Assert.Equal("0", row[columns.IndexOf("fail")]);
        }

        // The same number asked of both: the same customers, and every field of the engine's compact card in the baseline's.
        var phone = (await File.ReadAllLinesAsync(Path.Combine(seed.Path, "phones.csv"), ct)).Skip(1).First().Split(',')[0];
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/screenpop?ani={Uri.EscapeDataString(phone)}");
        request.Headers.Add(DemoKeys.Header, DemoKeys.Agent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var engineAnswer = await http.SendAsync(request, ct);
        Assert.True(engineAnswer.IsSuccessStatusCode, $"{engineAnswer.StatusCode}");
        using var engine = JsonDocument.Parse(await engineAnswer.Content.ReadAsStringAsync(ct));
        await using var baseline = await PostgresBaseline.StartAsync(null, seed.Path, 2, TextWriter.Null, ct);
        using var sql = JsonDocument.Parse((await baseline.AnswerAsync(phone, ct))!);

        var engineCards = engine.RootElement.GetProperty("customers").EnumerateArray().ToList();
        var sqlCards = sql.RootElement.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal(Ids(engineCards), Ids(sqlCards));
        var (engineFields, sqlFields) = (Fields(engine.RootElement), Fields(sql.RootElement));
        // A few dozen customers are too few for the engine's tier cut points (the baseline has fixed ones): a card
        // without a tier has no tier name to show.
        if (engineCards.All(c => c.GetProperty("tier").GetString() == "uncalibrated"))
        {
            sqlFields.Remove("customers[].tierName");
        }
        Assert.True(engineFields.SequenceEqual(sqlFields),
            $"only the engine: {string.Join(", ", engineFields.Except(sqlFields))}; only the baseline: {string.Join(", ", sqlFields.Except(engineFields))}");
        await host.StopAsync();
    }

    private static List<string> Ids(List<JsonElement> cards) => [.. cards.Select(c => c.GetProperty("customerId").GetString()!).Order(StringComparer.Ordinal)];

    /// <summary>Every property path of a document (arrays merged: the fields any element has), sorted.</summary>
    private static List<string> Fields(JsonElement root)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(root, "", paths);
        return [.. paths];
    }

    private static void Walk(JsonElement element, string path, SortedSet<string> paths)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    paths.Add(child);
                    Walk(property.Value, child, paths);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + "[]", paths);
                }
                break;
        }
    }
}
