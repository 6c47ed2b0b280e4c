using System.Diagnostics;
using System.Globalization;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>fit [--summary-csv FILE]</c>: fits BG/NBD and Gamma-Gamma by maximum likelihood over the whole customer
/// base (the read model) or over a CDNOW-format summary CSV, stores the result as a new model version that
/// running silos pick up, and measures the population under it. Uses the storage of <c>Storage:Mode</c>: in cluster
/// mode it reads every customer from PostgreSQL and stores the model there, where every silo finds it.
/// </summary>
internal sealed class FitCommand : IHostCommand
{
    public string Name => "fit";

    public string Summary => "fits the value models over all customers (or --summary-csv FILE) and stores a new model version";

    public async Task<int> RunAsync(string[] arguments)
    {
        var csv = HostCommands.OptionValue(arguments, "--summary-csv");
        await using var services = CommandServices.Build(arguments);
        if (services is null)
        {
            return 2;
        }
        var backend = services.GetRequiredService<StorageBackend>();
        try
        {
            return await FitAsync(services, csv, backend);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or IOException)
        {
            await Console.Error.WriteLineAsync($"fit: the storage ({backend.Describe}) could not be used: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> FitAsync(ServiceProvider services, string? csv, StorageBackend backend)
    {
        var store = services.GetRequiredService<IValueModelStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var ct = CancellationToken.None;
        // As a silo does at start: the embedded files are created here; a cluster's schema unless left to db migrate.
        await services.GetRequiredService<SchemaMigrations>().ApplyAtStartAsync(ct);

        IReadOnlyList<CalibrationRow> rows;
        string source;
        string where;
        if (csv is not null)
        {
            if (!File.Exists(csv))
            {
                await Console.Error.WriteLineAsync($"fit: {csv} does not exist.");
                return 2;
            }
            try
            {
                using var reader = new StreamReader(csv);
                rows = CalibrationCsv.Read(reader);
            }
            catch (CalibrationCsvFormatException ex)
            {
                await Console.Error.WriteLineAsync($"fit: {csv}: {ex.Message}");
                return 2;
            }
            source = Path.GetFileName(csv);
            where = source;
        }
        else
        {
            rows = await ReadCustomerBaseAsync(services.GetRequiredService<ICustomerReadModel>(), time.GetUtcNow(), ct);
            source = "customer base";
            where = $"customer base ({backend.Describe})";
        }

        var buyers = rows.Count;
        if (buyers < 10)
        {
            await Console.Error.WriteLineAsync(
                $"fit: only {buyers} customers with a purchase in the {where}; at least 10 are needed to fit. " +
                "Ingest purchase histories first, or fit a CDNOW-format file with --summary-csv FILE.");
            return 1;
        }
        Console.WriteLine($"Fitting on {buyers} customers from the {where}.");

        var clock = Stopwatch.StartNew();
        var bgnbd = ValueModelFitter.FitBgNbd(rows);
        var bgnbdTime = clock.Elapsed;
        var repeatBuyers = rows.Where(r => r.X > 0 && r.Zbar > 0).ToList();
        clock.Restart();
        var gg = ValueModelFitter.FitGammaGamma(repeatBuyers);
        var ggTime = clock.Elapsed;

        var b = bgnbd.Parameters;
        var g = gg.Parameters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BG/NBD       r = {b.R:0.0000}  alpha = {b.Alpha:0.0000}  a = {b.A:0.0000}  b = {b.B:0.0000}  log-likelihood = {bgnbd.LogLikelihood:0.000}  ({bgnbd.Iterations} iterations, {(bgnbd.Converged ? "converged" : "NOT converged")}, {bgnbdTime.TotalSeconds:0.000} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gamma-Gamma  p = {g.P:0.0000}  q = {g.Q:0.0000}  gamma = {g.Gamma:0.0000}  log-likelihood = {gg.LogLikelihood:0.000}  ({gg.Iterations} iterations, {(gg.Converged ? "converged" : "NOT converged")}, {ggTime.TotalSeconds:0.000} s; {repeatBuyers.Count} repeat buyers)"));
        if (!bgnbd.Converged || !gg.Converged)
        {
            await Console.Error.WriteLineAsync("fit: the optimiser did not converge; nothing was stored.");
            return 1;
        }

        var problems = ModelCheck.Problems(new ValueModel(b, g, services.GetRequiredService<IOptions<ValueOptions>>().Value.ToModelOptions()));
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("fit: the fitted model cannot be used, so nothing was stored:");
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"  - {problem}");
            }
            return 1;
        }

        var now = time.GetUtcNow();
        var version = await store.SaveModelAsync(
            new FittedModel(b, bgnbd.LogLikelihood, g, gg.LogLikelihood, buyers, source), now, ct);
        var refresh = services.GetRequiredService<IOptions<ValueOptions>>().Value.RefreshInterval;
        Console.WriteLine($"Stored as value model m{version}; running silos switch to it within {refresh.TotalSeconds:0.#} s.");

        var population = await services.GetRequiredService<PopulationMeasurement>().MeasureAsync(ct);
        if (population is null)
        {
            Console.WriteLine("No customers in the customer base yet: tiers and RFM stay uncalibrated until there are.");
        }
        else
        {
            var s = population.Statistics;
            var counts = s.TierCounts;
            double Share(int i) => 100.0 * counts[i] / s.Customers;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Population p{population.Version} over {s.Customers} customers: net value cut points A > {s.Tiers.TopThreshold:0.00}, B > {s.Tiers.MiddleThreshold:0.00}; " +
                $"tiers A {Share(0):0.0}%, B {Share(1):0.0}%, C {Share(2):0.0}%, D {Share(3):0.0}%"));
        }
        return 0;
    }

    private static async Task<IReadOnlyList<CalibrationRow>> ReadCustomerBaseAsync(ICustomerReadModel readModel, DateTimeOffset now, CancellationToken ct)
    {
        const double DaysPerWeek = 7;
        var rows = new List<CalibrationRow>();
        var read = 0;
        await foreach (var member in readModel.ReadPopulationAsync(ct))
        {
            var c = member.Inputs;
            if (++read % 100_000 == 0)
            {
                Console.WriteLine($"  read {read} customers...");
            }
            if (c.FirstPurchaseAt is not { } first)
            {
                continue;
            }
            var x = c.RepeatPurchaseCount;
            var tx = x > 0 && c.LastRepeatPurchaseAt is { } lastRepeat ? (lastRepeat - first).TotalDays / DaysPerWeek : 0;
            var age = Math.Max((now - first).TotalDays / DaysPerWeek, tx);
            rows.Add(new CalibrationRow(read.ToString(CultureInfo.InvariantCulture), x, tx, age, x > 0 ? c.RepeatNetSpendSum / x : null));
        }
        return rows;
    }
}
