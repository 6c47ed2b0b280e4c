using System.Globalization;
using System.IO.Compression;
using System.Net;
using CustomerGrains.Import;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host that counts pounds sterling (the Online Retail data's currency) at 1.17 euro from 2010 on.</summary>
public sealed class ImportHost : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Money:Rates:GBP:2010-01-01"] = "1.17" };
}

public sealed class ImportCommandTests(ImportHost host) : IClassFixture<ImportHost>
{
    private Task<(int ExitCode, string Output, string Error)> ImportAsync(string errors, params string[] files) =>
        HostProcess.RunCommandAsync([
            "import", .. files, "--target", host.Host.BaseAddress.ToString(), "--api-key", DemoKeys.Service, "--errors", errors, "--batch", "2",
        ]);

    [Fact]
    public async Task Customers_from_csv_and_events_from_json_lines_are_imported_and_a_second_run_adds_nothing()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var dir = new TempDirectory("import");
        var customers = Path.Combine(dir.Path, "customers.csv");
        var events = Path.Combine(dir.Path, "events.jsonl");
        await File.WriteAllTextAsync(customers, $"""
            customer_id,name,email,phones
            {run}-a,Ada Lovelace,ada@example.com,+441234567890
            {run}-b,"Hopper, Grace",grace@example.com,+12025550123;+12025550124

            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(events, $$"""
            {"eventId":"{{run}}-o1","customerId":"{{run}}-a","type":"purchase","occurredAt":"2026-01-05T10:00:00Z","source":"shop","orderId":"o1","amount":42.5,"currency":"EUR"}
            {"eventId":"{{run}}-c1","customerId":"{{run}}-b","type":"contact","occurredAt":"2026-01-07T10:00:00Z","source":"cti","channel":"phone"}
            {"eventId":"{{run}}-o2","customerId":"{{run}}-a","type":"purchase","occurredAt":"2026-01-09T10:00:00Z","source":"shop","orderId":"o2","amount":10,"currency":"EUR"}

            """, TestContext.Current.CancellationToken);
        var errors = Path.Combine(dir.Path, "errors.csv");

        var first = await ImportAsync(errors, customers, events);

        Assert.True(first.ExitCode == 0, $"import exited {first.ExitCode}: {first.Error}\n{first.Output}");
        Assert.Contains("import: 5 accepted, 0 duplicate, 0 refused", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied: every accepted event reached its customer", first.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(errors));
        // The import returned after the engine applied what it sent: the customers show it at the first read.
        var (_, a) = await host.Api.GetCustomerAsync($"{run}-a");
        Assert.Equal(3, a.GetProperty("appliedEvents").GetInt32());
        Assert.Equal("Ada Lovelace", a.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal(52.5m, a.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
        var b = await host.Api.WaitForAppliedEventsAsync($"{run}-b", 2);
        Assert.Equal(["+12025550123", "+12025550124"], b.GetProperty("profile").GetProperty("phones").EnumerateArray().Select(p => p.GetString()));

        var second = await ImportAsync(errors, customers, events);

        Assert.True(second.ExitCode == 0, $"the second import exited {second.ExitCode}: {second.Error}\n{second.Output}");
        Assert.Contains("import: 0 accepted, 5 duplicate, 0 refused", second.Output, StringComparison.Ordinal);
        var (_, again) = await host.Api.GetCustomerAsync($"{run}-a");
        Assert.Equal(3, again.GetProperty("appliedEvents").GetInt32());
        Assert.Equal(52.5m, again.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
    }

    [Fact]
    public async Task Refused_rows_are_listed_with_their_row_and_reason_and_the_other_rows_are_imported()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var dir = new TempDirectory("import-refused");
        var events = Path.Combine(dir.Path, "events.jsonl");
        var interactions = Path.Combine(dir.Path, "interactions.csv");
        await File.WriteAllTextAsync(events, $$"""
            {"eventId":"{{run}}-o1","customerId":"{{run}}","type":"purchase","occurredAt":"2026-01-05T10:00:00Z","source":"shop","orderId":"o1","amount":20,"currency":"EUR"}
            {"eventId":"{{run}}-o2","customerId":"{{run}}","type":"purchase","occurredAt":"2026-01-06T10:00:00Z","source":"shop","orderId":"o2","amount":-3,"currency":"EUR"}
            this is not an event
            {"eventId":"{{run}}-o3","customerId":"{{run}}","type":"purchase","occurredAt":"2026-01-07T10:00:00Z","source":"shop","orderId":"o3","amount":5,"currency":"EUR"}

            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(interactions, $"""
            event_id,customer_id,type,occurred_at,channel,duration_seconds
            {run}-c1,{run},contact,2026-01-08T10:00:00Z,phone,120
            {run}-c2,{run},contact,2026-01-09T10:00:00Z,pigeon,60
            {run}-c3,{run},contact,2026-01-10T10:00:00Z,phone

            """, TestContext.Current.CancellationToken);
        var errors = Path.Combine(dir.Path, "errors.csv");

        var result = await ImportAsync(errors, events, interactions);

        Assert.True(result.ExitCode == 1, $"import exited {result.ExitCode}, expected 1 for refused rows: {result.Error}\n{result.Output}");
        Assert.Contains("import: 3 accepted, 0 duplicate, 4 refused", result.Output, StringComparison.Ordinal);
        Assert.Contains(errors, result.Output, StringComparison.Ordinal);
        var rows = (await File.ReadAllLinesAsync(errors, TestContext.Current.CancellationToken)).Select(Csv.Split).ToList();
        Assert.Equal(["file", "row", "event_id", "reason"], rows[0]);
        Assert.Contains(rows, r => r[..3].SequenceEqual(["events.jsonl", "2", $"{run}-o2"]) && r[3].StartsWith("amount:", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[..3].SequenceEqual(["events.jsonl", "3", ""]) && r[3].StartsWith("not JSON", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[..3].SequenceEqual(["interactions.csv", "3", $"{run}-c2"]) && r[3].StartsWith("channel:", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[..3].SequenceEqual(["interactions.csv", "4", ""]) && r[3].StartsWith("expected 6 cells", StringComparison.Ordinal));
        Assert.Equal(5, rows.Count);
        var customer = await host.Api.WaitForAppliedEventsAsync(run, 3);
        Assert.Equal(25m, customer.GetProperty("purchases").GetProperty("netSpend").GetDecimal());
    }

    [Fact]
    public async Task The_online_retail_worked_example_imports_a_slice_of_the_real_file()
    {
        var source = TestEnvironment.RequireSharedData(Path.Combine("online-retail", "online-retail.csv.gz"));
        using var dir = new TempDirectory("import-retail");
        var slice = Path.Combine(dir.Path, "online-retail-slice.csv.gz");
        string[] lines;
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(source), CompressionMode.Decompress)))
        {
            lines = [.. Enumerable.Range(0, 1500).Select(_ => reader.ReadLine()!)];
        }
        await using (var writer = new StreamWriter(new GZipStream(File.Create(slice), CompressionLevel.Fastest)))
        {
            foreach (var line in lines)
            {
                await writer.WriteLineAsync(line);
            }
        }
        // The first customer of the file, counted here from its raw lines: its invoices that are not cancellations.
        var customer = lines[1].Split(',')[^2].Replace(".0", "", StringComparison.Ordinal);
        var invoices = lines.Skip(1).Where(l => l.Split(',')[^2] == lines[1].Split(',')[^2]).Select(l => l.Split(',')[0]).ToHashSet();
        var errors = Path.Combine(dir.Path, "errors.csv");

        var first = await ImportAsync(errors, slice);

        Assert.True(first.ExitCode == 0, $"import exited {first.ExitCode}: {first.Error}\n{first.Output}");
        Assert.Contains("(UCI Online Retail)", first.Output, StringComparison.Ordinal);
        Assert.Contains("lines without a customer left out", first.Output, StringComparison.Ordinal);
        Assert.Contains(", 0 duplicate, 0 refused", first.Output, StringComparison.Ordinal);
        var card = await Eventually.UntilAsync(
            () => host.Api.GetCustomerAsync($"uk-{customer}"),
            r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("purchases").GetProperty("purchases").GetInt32() >= invoices.Count(i => !i.StartsWith('C')),
            $"customer uk-{customer} to show its {invoices.Count} invoices");
        Assert.Equal(invoices.Count(i => !i.StartsWith('C')), card.Body.GetProperty("purchases").GetProperty("purchases").GetInt32());

        var second = await ImportAsync(errors, slice);

        Assert.True(second.ExitCode == 0, $"the second import exited {second.ExitCode}: {second.Error}\n{second.Output}");
        Assert.Contains("import: 0 accepted,", second.Output, StringComparison.Ordinal);
        var accepted = int.Parse(first.Output.Split("import: ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.Contains($"{accepted} duplicate, 0 refused", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_engine_the_import_says_where_it_looked_and_exits_nonzero()
    {
        using var dir = new TempDirectory("import-nohost");
        var events = Path.Combine(dir.Path, "events.jsonl");
        await File.WriteAllTextAsync(events, """{"eventId":"x-1","customerId":"x","type":"note","occurredAt":"2026-01-05T10:00:00Z","source":"t","text":"hi"}""" + "\n",
            TestContext.Current.CancellationToken);
        var nowhere = $"http://127.0.0.1:{TestEnvironment.FreePort()}";

        var (exit, _, error) = await HostProcess.RunCommandAsync("import", events, "--target", nowhere);

        Assert.Equal(1, exit);
        Assert.Contains($"no engine answered at {nowhere}", error, StringComparison.Ordinal);
        Assert.Contains("Run the same command again", error, StringComparison.Ordinal);
    }
}
