using CustomerGrains.LoadTests.Data;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Cli;

/// <summary><c>seed</c>: a synthetic customer base of a chosen size, or the UCI Online Retail data, posted to the engine and written to the seed files.</summary>
internal static class SeedCommand
{
    public static async Task<int> RunAsync(CommandLine cli, TextWriter output, CancellationToken cancellation)
    {
        if (cli.Rejected(output))
        {
            return 1;
        }
        var target = new Uri(cli.Get("target", "http://127.0.0.1:5080"));
        var directory = Path.GetFullPath(cli.Get("data", Paths.DefaultSeed));
        var import = cli.Get("import");
        var count = cli.Int("customers", import is null ? 100_000 : 4372);
        var randomSeed = cli.Int("random-seed", 42);
        var batch = cli.Int("batch", 500);
        var concurrency = cli.Int("concurrency", 4);
        var retailFile = cli.Get("retail-file");
        // A key that may ingest and look numbers up (to check at the end that the phone directory finds the seeded numbers).
        var apiKey = cli.Get("api-key", Environment.GetEnvironmentVariable("CUSTOMERGRAINS_API_KEY") ?? "demo-service-key");
        if (import is null && count is < 1 or > 1_000_000)
        {
            await output.WriteLineAsync("--customers must be from 1 to 1000000");
            return 1;
        }

        IEnumerable<SeedCustomer> customers;
        string source;
        if (import is null)
        {
            customers = SyntheticCustomers.Generate(count, randomSeed, DateTimeOffset.UtcNow.AddHours(-1));
            source = $"synthetic, {count} customers, random seed {randomSeed}";
        }
        else if (import == "online-retail")
        {
            var file = retailFile ?? Path.Combine(Paths.SharedData, RetailImport.DefaultFile);
            if (!File.Exists(file))
            {
                await output.WriteLineAsync($"The Online Retail data is not at {Path.GetFullPath(file)}; pass --retail-file PATH.");
                return 1;
            }
            // All 4,372 customers of the data set unless --customers asks for fewer.
            count = Math.Min(count, 4372);
            customers = RetailImport.Read(file, count);
            source = $"UCI Online Retail ({Path.GetFullPath(file)}), phone numbers synthetic";
        }
        else
        {
            await output.WriteLineAsync($"Unknown import '{import}'; the one import is online-retail.");
            return 1;
        }

        using var http = new HttpTarget([target], connectionsPerHost: concurrency, timeout: TimeSpan.FromMinutes(2), apiKey: apiKey);
        await output.WriteLineAsync($"seed: {source} -> {target} (batches of {batch}, {concurrency} in flight), files in {directory}");
        _ = await Seeder.RunAsync(customers, new Seeder.Options(source, randomSeed, batch, concurrency, count), http, directory, output, cancellation);
        return 0;
    }
}
