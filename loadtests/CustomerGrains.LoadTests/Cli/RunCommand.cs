using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using CustomerGrains.LoadTests.Baseline;
using CustomerGrains.LoadTests.Data;
using CustomerGrains.LoadTests.Reports;
using CustomerGrains.LoadTests.Runner;
using CustomerGrains.LoadTests.Scenarios;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Cli;

/// <summary><c>run SCENARIO</c>: runs a scenario against the engine, then its baseline and the floors, and writes the reports.</summary>
internal static class RunCommand
{
    /// <summary>The exit code when every threshold held.</summary>
    public const int Passed = 0;

    /// <summary>The exit code of a usage error or a run that could not be done.</summary>
    public const int Error = 1;

    /// <summary>The exit code when a threshold was breached.</summary>
    public const int ThresholdBreached = 2;

    public static readonly string[] DefaultThresholds = ["p99 < 5", "fail% < 0.1"];

    public static async Task<int> RunAsync(CommandLine cli, TextWriter output, CancellationToken cancellation)
    {
        if (cli.Rejected(output))
        {
            return Error;
        }
        var name = cli.Words[1];
        var rate = cli.Double("rate", 500);
        var copies = cli.Get("copies") is { } copiesText ? int.Parse(copiesText, CultureInfo.InvariantCulture) : (int?)null;
        if (copies is < 1 or > 16_384)
        {
            await output.WriteLineAsync($"--copies {copies}: a closed loop needs from 1 to 16384 copies.");
            return Error;
        }
        var profile = new LoadProfile(rate, cli.Duration("ramp", TimeSpan.FromSeconds(10)), cli.Duration("duration", TimeSpan.FromSeconds(60)),
            cli.Duration("warm-up", TimeSpan.FromSeconds(5)), cli.Get("arrivals", "constant") == "poisson" ? Arrivals.Poisson : Arrivals.Constant)
        {
            Copies = copies,
        };
        var settings = new RunSettings
        {
            LateAfter = TimeSpan.FromMilliseconds(cli.Double("late-ms", 2)),
            Drain = cli.Duration("drain", TimeSpan.FromSeconds(15)),
            SpinWithin = TimeSpan.FromMicroseconds(cli.Double("spin-us", 60)),
            Progress = output,
            ProgressInPlace = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out),
        };
        var thresholds = (cli.Flag("no-thresholds") ? [] : cli.All("threshold") is { Count: > 0 } given ? given : DefaultThresholds)
            .Select(Threshold.Parse).ToList();
        var targets = cli.Get("target", "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => new Uri(t)).ToList();
        var gateways = cli.Get("cluster")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var outDirectory = Path.GetFullPath(cli.Get("out") ?? Paths.NewRun(name));
        var dataDirectory = Path.GetFullPath(cli.Get("data", Paths.DefaultSeed));
        var connectionsText = cli.Get("connections", "auto");
        var timeout = cli.Duration("timeout", TimeSpan.FromSeconds(10));
        var baselineOption = cli.Get("baseline", "auto");
        var baselinePool = cli.Int("baseline-pool", 32);
        var floors = cli.Flag("floors", true);
        var zipf = cli.Double("zipf", 1.0);
        var ingestRate = cli.Double("ingest-rate", name == "ingest-burst" ? rate : rate / 10);
        var batchEvents = cli.Int("batch-events", 1);
        var probeRate = cli.Double("probe-rate", 5);
        var killPid = cli.Get("kill-pid");
        var killAt = cli.Duration("kill-at", profile.Duration / 3);
        var path = cli.Get("path", "/api/ping");
        var wrk = cli.Duration("wrk", TimeSpan.Zero);
        var wrkConnections = cli.Int("wrk-connections", 16);
        var wrkThreads = cli.Int("wrk-threads", 1);
        var senders = cli.Int("senders", 2);
        var realtime = cli.Flag("realtime", true);
        var maxLagText = cli.Get("max-lag", "0.2,1");
        // The screen-pop is an agent endpoint: the runner calls it as an agent (the embedded default's demo agent by default).
        var apiKey = cli.Get("api-key", Environment.GetEnvironmentVariable("CUSTOMERGRAINS_API_KEY") ?? "demo-service-key");

        ConnectionPlan connectionPlan;
        GeneratorLimits limits;
        try
        {
            connectionPlan = ConnectionPlan.Parse(connectionsText, PeakRequestRate(name, rate, ingestRate, batchEvents), targets.Count, copies);
            limits = GeneratorLimits.Parse(maxLagText);
            if (!(probeRate > 0))
            {
                throw new FormatException($"--probe-rate {probeRate.ToString(CultureInfo.InvariantCulture)}: visibility probes a second must be more than 0.");
            }
        }
        catch (FormatException ex)
        {
            await output.WriteLineAsync(ex.Message);
            return Error;
        }
        // Said before the run starts, so a fallback to normal priority is seen at once, not only in the report.
        var priority = realtime ? RealtimePriority.Probe() : RealtimePriority.Off;
        if (realtime)
        {
            await output.WriteLineAsync($"sender threads: {priority.Description}");
        }

        settings = settings with { Senders = senders, Realtime = realtime, GeneratorLimits = limits };
        var header = new List<string>
        {
            $"target: {(gateways is null ? string.Join(", ", targets) : $"cluster gateways {string.Join(", ", gateways)} through the typed client (ingest and floors over HTTP {string.Join(", ", targets)})")}",
            profile.Describe(),
            string.Create(CultureInfo.InvariantCulture,
                $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; runner built {Build}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC; late start = more than {settings.LateAfter.TotalMilliseconds:0.#} ms after the intended time"),
            string.Create(CultureInfo.InvariantCulture,
                $"dispatch: {settings.Senders} sender thread(s) at {priority.Description} wait for each intended start (sleep, then spin within {settings.SpinWithin.TotalMicroseconds:0} µs) and send it themselves; the dispatch lag is the send's delay after its intended time; the generator counts as the bottleneck above {limits}"),
            connectionPlan.Description,
        };
        using var http = new HttpTarget(targets, connectionPlan.PerHost, timeout, apiKey);
        ClusterTarget? cluster = null;
        PostgresBaseline? baseline = null;
        try
        {
            IReadOnlyList<IReadOnlyList<Scenario>> stages;
            if (name == "http-get")
            {
                header.Add($"GET {path} on each iteration");
                var get = http.Prepare(path);
                stages = [[profile.Scenario("http-get", ScenarioRole.Engine, rate, new Step("get", c => http.GetAsync(get, c.Cancellation)))]];
            }
            else
            {
                var seed = await SeedIndex.LoadAsync(dataDirectory, cancellation);
                header.Add($"seed: {seed.Manifest.Source}; {EngineApi.Count(seed.Manifest.Customers)} customers, {EngineApi.Count(seed.Manifest.Events)} events, {EngineApi.Count(seed.Manifest.SharedPhones)} shared phone entries ({dataDirectory})");
                if (gateways is not null)
                {
                    cluster = await ClusterTarget.ConnectAsync(gateways, cancellation);
                }
                var engine = new EngineApi(http, cluster, seed);
                await engine.ProbeAsync(cancellation);
                if (baselineOption != "none" && name is "screenpop-spike" or "ingest-burst" or "mixed" or "cold-start")
                {
                    baseline = await PostgresBaseline.StartAsync(baselineOption == "auto" ? null : baselineOption, dataDirectory, baselinePool, output, cancellation);
                }
                var catalog = new ScenarioCatalog(engine, baseline, profile, zipf) { ProbeRate = probeRate };
                header.AddRange(catalog.Header());
                stages = catalog.Stages(name, floors, killPid, killAt, ingestRate, batchEvents);
            }

            var startedAt = DateTimeOffset.UtcNow;
            var results = await LoadRunner.RunAsync(stages, settings, cancellation);
            var wrkResult = wrk > TimeSpan.Zero && results.Any(r => r.Name == "floor-http")
                ? await CrossCheckAsync(new Uri(targets[0], "/api/ping"), wrk, wrkThreads, wrkConnections, apiKey, header, output, cancellation)
                : null;
            var run = new RunResult($"CustomerGrains load run: {name}", startedAt, $"CustomerGrains.LoadTests {cli.Text}", header, results,
                [.. thresholds.Select(t => t.Evaluate(results))]) { Wrk = wrkResult };
            var report = await ReportWriter.WriteAsync(run, outDirectory, cancellation);

            await output.WriteLineAsync();
            await output.WriteLineAsync(ReportWriter.ConsoleSummary(run));
            foreach (var outcome in run.Thresholds)
            {
                await output.WriteLineAsync($"threshold {outcome.Threshold}: measured {ReportFigures.F(outcome.Actual, "0.###")} -> {(outcome.Passed ? "passed" : "FAILED")}{(outcome.Problem is null ? "" : $" ({outcome.Problem})")}");
            }
            if (ReportFigures.GeneratorWarning(run) is { } warning)
            {
                await output.WriteLineAsync(warning);
            }
            await output.WriteLineAsync($"report: {report} (also report.html, summary.csv, percentiles.csv, timeline.csv)");
            return run.Passed ? Passed : ThresholdBreached;
        }
        finally
        {
            if (baseline is not null)
            {
                await baseline.DisposeAsync();
            }
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>wrk right after the floors, on the HTTP floor's endpoint; a missing or failing wrk is said in the header, not fatal.</summary>
    private static async Task<WrkResult?> CrossCheckAsync(Uri url, TimeSpan duration, int threads, int connections, string apiKey, List<string> header,
        TextWriter output, CancellationToken cancellation)
    {
        await output.WriteLineAsync($"wrk: {threads} thread(s), {connections} connections, {duration.TotalSeconds:0} s on {url} ...");
        try
        {
            return await Wrk.RunAsync(url, duration, threads, connections, apiKey, cancellation);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or FormatException)
        {
            var problem = $"wrk: not measured ({ex.Message.Trim()}; Debian package wrk: apt-get install -y wrk)";
            header.Add(problem);
            await output.WriteLineAsync(problem);
            return null;
        }
    }

    /// <summary>
    /// The most requests a second the scenario sends at once, for <c>--connections auto</c>: the agents' and the
    /// services' reads together in <c>mixed</c>, with the ingest requests beside them.
    /// </summary>
    internal static double PeakRequestRate(string scenario, double rate, double ingestRate, int batchEvents) => scenario switch
    {
        "mixed" => (2 * rate) + (ingestRate / Math.Max(1, batchEvents)),
        "ingest-burst" => (ingestRate / Math.Max(1, batchEvents)) + Math.Min(5, rate),
        _ => rate,
    };

#if DEBUG
    private const string Build = "Debug";
#else
    private const string Build = "Release";
#endif
}
