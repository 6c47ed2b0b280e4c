using System.Diagnostics;
using System.Globalization;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>fit [--summary-csv FILE | --transactions FILE] [--calibration-end DATE [--holdout-end DATE]] [--model bgnbd|paretonbd|auto]
/// [--report-dir DIR]</c>: fits BG/NBD, Pareto/NBD and Gamma-Gamma by maximum likelihood over the whole customer base (the
/// read model), a CDNOW-format summary CSV or a transactions file (cut at the calibration end), compares the two
/// repeat-purchase models on the hold-out period when one is given (printed, and written as Markdown, CSV and HTML), stores
/// the result as a new model version with the chosen model and the evidence for the choice, and measures the population
/// under it. Uses the storage of <c>Storage:Mode</c>: in cluster mode it reads every customer from PostgreSQL and stores
/// the model there, where every silo finds it.
/// </summary>
internal sealed class FitCommand : IHostCommand
{
    public string Name => "fit";

    public string Summary =>
        "fits the value models over all customers (or --summary-csv FILE, --transactions FILE [--calibration-end DATE [--holdout-end DATE]]; --model bgnbd|paretonbd|auto) and stores a new model version";

    public async Task<int> RunAsync(string[] arguments)
    {
        var (request, problem) = FitRequest.Parse(arguments);
        if (request is null)
        {
            await Console.Error.WriteLineAsync($"fit: {problem}");
            return 2;
        }
        await using var services = CommandServices.Build(arguments);
        if (services is null)
        {
            return 2;
        }
        var backend = services.GetRequiredService<StorageBackend>();
        try
        {
            return await FitAsync(services, request, backend);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or IOException)
        {
            await Console.Error.WriteLineAsync($"fit: the storage ({backend.Describe}) could not be used: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> FitAsync(ServiceProvider services, FitRequest request, StorageBackend backend)
    {
        var store = services.GetRequiredService<IValueModelStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var options = services.GetRequiredService<IOptions<ValueModelOptions>>().Value;
        var ct = CancellationToken.None;
        var choice = request.ModelOr(options.RepeatPurchaseModel);
        if (choice == RepeatPurchaseModelChoice.Auto && request.HoldoutEnd is null)
        {
            await Console.Error.WriteLineAsync(
                "fit: choosing the model automatically (--model auto or ValueModel:RepeatPurchaseModel=Auto) needs a hold-out period: " +
                "give --calibration-end DATE and --holdout-end DATE, or name the model with --model bgnbd|paretonbd.");
            return 2;
        }
        // As a silo does at start: the embedded files are created here; a cluster's schema unless left to db migrate.
        await services.GetRequiredService<SchemaMigrations>().ApplyAtStartAsync(ct);

        var input = await LoadAsync(services, request, backend, time, ct);
        if (input.ExitCode is { } failed)
        {
            return failed;
        }
        var (rows, sample, source, where) = (input.Rows!, input.Sample, input.Source!, input.Where!);

        var buyers = rows.Count;
        if (buyers < 10)
        {
            await Console.Error.WriteLineAsync(
                $"fit: only {buyers} customers with a purchase in the {where}; at least 10 are needed to fit. " +
                "Ingest purchase histories first, or fit a CDNOW-format file with --summary-csv FILE or --transactions FILE.");
            return 1;
        }
        Console.WriteLine($"Fitting on {buyers} customers from the {where}.");

        var clock = Stopwatch.StartNew();
        var bgnbd = ValueModelFitter.FitBgNbd(rows);
        var bgnbdTime = clock.Elapsed;
        clock.Restart();
        var pareto = ValueModelFitter.FitParetoNbd(rows);
        var paretoTime = clock.Elapsed;
        var repeatBuyers = rows.Where(r => r.X > 0 && r.Zbar > 0).ToList();
        clock.Restart();
        var gg = ValueModelFitter.FitGammaGamma(repeatBuyers);
        var ggTime = clock.Elapsed;

        var b = bgnbd.Parameters;
        var pn = pareto.Parameters;
        var g = gg.Parameters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BG/NBD       r = {b.R:0.0000}  alpha = {b.Alpha:0.0000}  a = {b.A:0.0000}  b = {b.B:0.0000}  log-likelihood = {bgnbd.LogLikelihood:0.000}  ({Outcome(bgnbd, bgnbdTime)})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Pareto/NBD   r = {pn.R:0.0000}  alpha = {pn.Alpha:0.0000}  s = {pn.S:0.0000}  beta = {pn.Beta:0.0000}  log-likelihood = {pareto.LogLikelihood:0.000}  ({Outcome(pareto, paretoTime)})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gamma-Gamma  p = {g.P:0.0000}  q = {g.Q:0.0000}  gamma = {g.Gamma:0.0000}  log-likelihood = {gg.LogLikelihood:0.000}  ({Outcome(gg, ggTime)}; {repeatBuyers.Count} repeat buyers)"));
        Console.WriteLine("Standard errors (observed information at the optimum):");
        foreach (var (name, uncertainty) in new[] { ("BG/NBD     ", bgnbd.Uncertainty), ("Pareto/NBD ", pareto.Uncertainty), ("Gamma-Gamma", gg.Uncertainty) })
        {
            Console.WriteLine($"  {name}  {uncertainty?.Describe() ?? "none: the information matrix is not positive definite (no interval is shown for this model)"}");
        }
        var paretoUsable = pareto.Converged;
        if (!bgnbd.Converged || !gg.Converged || (!paretoUsable && choice != RepeatPurchaseModelChoice.BgNbd))
        {
            await Console.Error.WriteLineAsync("fit: the optimiser did not converge; nothing was stored.");
            return 1;
        }
        if (!paretoUsable)
        {
            Console.WriteLine("Pareto/NBD did not converge: it is left out of the comparison and not stored.");
        }

        var fitted = new List<(IRepeatPurchaseModel Model, double LogLikelihood)> { (b, bgnbd.LogLikelihood) };
        if (paretoUsable)
        {
            fitted.Add((pn, pareto.LogLikelihood));
        }
        IReadOnlyList<HoldoutComparison>? comparisons = sample is { Period.HoldoutEnd: not null }
            ? [.. fitted.Select(f => HoldoutComparison.Compute(f.Model, sample))]
            : null;
        var candidates = fitted.Select((f, i) => new CandidateEvidence(
            f.Model.Kind, f.Model.Describe(), f.LogLikelihood, comparisons is null ? null : HoldoutErrors.Of(comparisons[i]))).ToList();
        if (comparisons is not null)
        {
            var report = new HoldoutReport(sample!.Period, sample.Customers.Count, comparisons, candidates);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Hold-out {sample.Period.CalibrationEnd.AddDays(1):yyyy-MM-dd} to {sample.Period.HoldoutEnd:yyyy-MM-dd} ({sample.Period.HoldoutWeeks:0.##} weeks): repeat purchases per customer by calibration repeat purchases x"));
            Console.WriteLine(report.Table());
            await report.WriteAsync(request.ReportDirectory);
            Console.WriteLine($"Report written to {Path.GetFullPath(request.ReportDirectory)}: {string.Join(", ", report.Files)}.");
        }

        var evidence = ModelSelection.Choose(choice, candidates, sample?.Period.CalibrationEnd, sample?.Period.HoldoutEnd);
        Console.WriteLine($"Repeat-purchase model in force: {ModelSelection.Name(evidence.Chosen)} ({evidence.Reason})");
        var model = new FittedModel(b, bgnbd.LogLikelihood, g, gg.LogLikelihood, buyers, source)
        {
            Kind = evidence.Chosen,
            ParetoNbd = paretoUsable ? pn : null,
            ParetoNbdLogLikelihood = paretoUsable ? pareto.LogLikelihood : null,
            Evidence = evidence,
            Uncertainty = new FittedUncertainty(bgnbd.Uncertainty, paretoUsable ? pareto.Uncertainty : null, gg.Uncertainty),
        };

        var problems = ModelCheck.Problems(model.ValueModel(options));
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("fit: the fitted model cannot be used, so nothing was stored:");
            foreach (var p in problems)
            {
                await Console.Error.WriteLineAsync($"  - {p}");
            }
            return 1;
        }

        var now = time.GetUtcNow();
        var version = await store.SaveModelAsync(model, now, ct);
        var refresh = services.GetRequiredService<IOptions<ValueOptions>>().Value.RefreshInterval;
        Console.WriteLine($"Stored as value model m{version}; running silos switch to it within {refresh.TotalSeconds:0.#} s.");

        var population = await services.GetRequiredService<PopulationMeasurement>().MeasureAsync(ct);
        if (population is null)
        {
            Console.WriteLine("No customers in the customer base yet: tiers and RFM stay uncalibrated until there are.");
        }
        else
        {
            var st = population.Statistics;
            var counts = st.TierCounts;
            double Share(int i) => 100.0 * counts[i] / st.Customers;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Population p{population.Version} over {st.Customers} customers: net value cut points A > {st.Tiers.TopThreshold:0.00}, B > {st.Tiers.MiddleThreshold:0.00}; " +
                $"tiers A {Share(0):0.0}%, B {Share(1):0.0}%, C {Share(2):0.0}%, D {Share(3):0.0}%"));
        }
        return 0;
    }

    private static string Outcome<T>(FitResult<T> fit, TimeSpan elapsed) where T : class =>
        string.Create(CultureInfo.InvariantCulture, $"{fit.Iterations} iterations, {(fit.Converged ? "converged" : "NOT converged")}, {elapsed.TotalSeconds:0.000} s");

    private sealed record Input(IReadOnlyList<CalibrationRow>? Rows, HoldoutSample? Sample, string? Source, string? Where, int? ExitCode = null)
    {
        public static Input Failed(int exitCode) => new(null, null, null, null, exitCode);
    }

    /// <summary>The calibration rows (and, cut from transactions, the hold-out sample) the request names.</summary>
    private static async Task<Input> LoadAsync(ServiceProvider services, FitRequest request, StorageBackend backend, TimeProvider time, CancellationToken ct)
    {
        var file = request.SummaryCsv ?? request.Transactions;
        if (file is not null && !File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"fit: {file} does not exist.");
            return Input.Failed(2);
        }
        try
        {
            if (request.SummaryCsv is { } csv)
            {
                using var reader = new StreamReader(csv);
                var name = Path.GetFileName(csv);
                return new Input(CalibrationCsv.Read(reader), null, name, name);
            }
            if (request.Transactions is { } transactions)
            {
                IReadOnlyList<CustomerPurchases> purchases;
                using (var reader = new StreamReader(transactions))
                {
                    purchases = TransactionFile.Read(reader);
                }
                var period = new CalibrationPeriod(request.CalibrationEnd ?? purchases.Max(p => p.Days[^1]), request.HoldoutEnd);
                var sample = HoldoutSample.Create(period, purchases);
                var name = Path.GetFileName(transactions);
                var cut = $"{name} to {period.CalibrationEnd:yyyy-MM-dd}";
                return new Input(sample.CalibrationRows, sample, cut, $"transactions {cut}");
            }
        }
        catch (CalibrationCsvFormatException ex)
        {
            await Console.Error.WriteLineAsync($"fit: {file}: {ex.Message}");
            return Input.Failed(2);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"fit: {file}: {ex.Message}");
            return Input.Failed(1);
        }
        if (request.CalibrationEnd is { } calibrationEnd)
        {
            IReadOnlyList<CustomerPurchases> purchases;
            var log = backend.CreateLog(services);
            await using (log as IAsyncDisposable)
            {
                purchases = await new PurchaseHistory(log, services.GetRequiredService<LogPartitioner>()).ReadAsync(ct);
            }
            if (purchases.Count == 0)
            {
                await Console.Error.WriteLineAsync($"fit: the interaction log ({backend.Describe}) holds no purchase; ingest purchase histories first.");
                return Input.Failed(1);
            }
            try
            {
                var sample = HoldoutSample.Create(new CalibrationPeriod(calibrationEnd, request.HoldoutEnd), purchases);
                var cut = $"customer base to {calibrationEnd:yyyy-MM-dd}";
                return new Input(sample.CalibrationRows, sample, cut, $"{cut} ({backend.Describe}, from the interaction log)");
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"fit: {ex.Message}");
                return Input.Failed(1);
            }
        }
        var rows = await ReadCustomerBaseAsync(services.GetRequiredService<ICustomerReadModel>(), time.GetUtcNow(), ct);
        return new Input(rows, null, "customer base", $"customer base ({backend.Describe})");
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
