using System.CommandLine;
using CustomerGrains.Import;
using Spectre.Console;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>import FILE... [--format F] [--target URL] [--api-key KEY] [--batch N] [--rate EVENTS/s] [--errors FILE] [--wait false]</c>: sends
/// the customers and interactions of files to a running engine through <c>POST /api/interactions</c>, so every event
/// meets the API's validation and back-pressure. See <see cref="Importer"/>.
/// </summary>
internal static class ImportCommand
{
    public const string Name = "import";

    public static Command Define(string[] settings)
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = "files of customers or interactions (.csv, .jsonl, the Online Retail .csv.gz)", Arity = ArgumentArity.OneOrMore };
        files.AcceptExistingOnly();
        var format = new Option<string>("--format") { Description = "auto (by name and header), jsonl, csv or online-retail", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "jsonl", "csv", "online-retail");
        var target = HostCommands.Address("--target", new Uri("http://127.0.0.1:5080"), "the engine's address");
        var apiKey = new Option<string>("--api-key")
        {
            Description = "a key with the scope interactions:write (default: $CUSTOMERGRAINS_API_KEY, else the development demo key)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CUSTOMERGRAINS_API_KEY") ?? "demo-service-key",
            HelpName = "KEY",
        };
        var batch = HostCommands.Number("--batch", 500, 1, 100_000, "events per request, at most the engine's Ingest:MaxBatchSize", "N");
        var rate = HostCommands.Number("--rate", 5000.0, 0, 1_000_000,
            "backfill pace: at most this many events a second, one request at a time, so live traffic keeps its share (the engine also holds a backfill back while it is busy: Ingest:BackfillCpuLimit); 0: as fast as the engine acknowledges", "EVENTS/s");
        var errors = new Option<FileInfo>("--errors") { Description = "where refused rows are listed (file, row, event id, reason)", DefaultValueFactory = _ => new FileInfo("import-errors.csv"), HelpName = "FILE" };
        var currency = new Option<string>("--currency") { Description = "the currency of Online Retail amounts (the engine needs a Money:Rates entry for it unless it is its base currency)", DefaultValueFactory = _ => "GBP" };
        var wait = new Option<bool>("--wait")
        {
            Description = "after sending, wait until the engine has delivered every acknowledged event to its customer and report the rate (reads GET /api/diagnostics/delivery: the key needs the scope maintenance); --wait false to return at once",
            DefaultValueFactory = _ => true,
        };
        var source = new Option<string>("--source") { Description = "the source of CSV rows without a source column", DefaultValueFactory = _ => "import" };

        var command = new Command(Name,
            "sends customers and interaction history from files to a running engine, through the API's validation; safe to repeat: events already in the log are counted as duplicates");
        foreach (var option in new Option[] { format, target, apiKey, batch, rate, errors, currency, source, wait })
        {
            command.Add(option);
        }
        command.Add(files);
        command.SetAction(async (parsed, cancellation) =>
        {
            if (settings.Length > 0)
            {
                // The files go to a running engine: its settings are given to it, not to the import.
                await Console.Error.WriteLineAsync($"import: {string.Join(' ', settings)}: settings belong to the engine the files are sent to (--target); the import takes none.");
                return HostCommands.UsageError;
            }
            var chosen = parsed.GetValue(format) switch
            {
                "jsonl" => ImportFormat.JsonLines,
                "csv" => ImportFormat.Csv,
                "online-retail" => ImportFormat.OnlineRetail,
                _ => ImportFormat.Auto,
            };
            var run = new Importer(parsed.GetRequiredValue(target), parsed.GetRequiredValue(apiKey), parsed.GetValue(batch), parsed.GetValue(rate),
                new ImportSettings(TimeProvider.System.GetUtcNow(), parsed.GetRequiredValue(source), parsed.GetRequiredValue(currency)), parsed.GetValue(wait));
            var paths = parsed.GetRequiredValue(files).Select(f => f.FullName).ToList();
            var errorFile = parsed.GetRequiredValue(errors).FullName;
            var result = Console.IsOutputRedirected
                ? await run.RunAsync(paths, chosen, errorFile, _ => _ => { }, cancellation)
                : await AnsiConsole.Progress().AutoClear(false).StartAsync(ctx =>
                    run.RunAsync(paths, chosen, errorFile, name => { var task = ctx.AddTask(Markup.Escape(name), maxValue: 1); return p => task.Value = p; }, cancellation));
            foreach (var line in result.Lines)
            {
                Console.WriteLine(line);
            }
            if (result.Stopped is { } why)
            {
                await Console.Error.WriteLineAsync($"import: stopped: {why}. Run the same command again to go on: what was sent already counts as duplicate.");
                return 1;
            }
            return result.Refused > 0 ? 1 : 0;
        });
        return command;
    }
}
