using System.Diagnostics;
using System.Globalization;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>How a run behaves apart from its scenarios.</summary>
public sealed record RunSettings
{
    /// <summary>An iteration that starts later than this after its intended time counts as late.</summary>
    public TimeSpan LateAfter { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How many dedicated threads send an open-model scenario's requests (each owns every n-th intended start and
    /// sends it itself): two keep one slow send from delaying the next start.
    /// </summary>
    public int Senders { get; init; } = 2;

    /// <summary>
    /// Whether the sender threads ask for real-time priority (<see cref="RealtimePriority"/>); where it is not
    /// permitted they run at normal priority and the result says why.
    /// </summary>
    public bool Realtime { get; init; }

    /// <summary>The dispatch lag above which the generator counts as the bottleneck of a scenario (<see cref="GeneratorCheck"/>).</summary>
    public GeneratorLimits GeneratorLimits { get; init; } = GeneratorLimits.Default;

    /// <summary>How close to an intended start a sender stops sleeping and spins (see <see cref="Pacer"/>).</summary>
    public TimeSpan SpinWithin { get; init; } = TimeSpan.FromMicroseconds(60);

    /// <summary>How long iterations still in flight at the end may take before they are cancelled (and counted as failed).</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Overrides every scenario's warm-up (e.g. zero in tests).</summary>
    public TimeSpan? WarmUp { get; init; }

    /// <summary>Where the live progress line goes; null for none.</summary>
    public TextWriter? Progress { get; init; } = Console.Out;

    /// <summary>Whether the progress line is rewritten in place (a terminal) or printed every few seconds (a log).</summary>
    public bool ProgressInPlace { get; init; } = !Console.IsOutputRedirected;
}

/// <summary>
/// Runs stages of scenarios: the scenarios of one stage run at the same time; the stages run one after
/// the other (engine, then baseline, then floors), so every stage has the machine to itself.
/// </summary>
public static class LoadRunner
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(IEnumerable<IReadOnlyList<Scenario>> stages, RunSettings settings, CancellationToken cancellation)
    {
        var results = new List<ScenarioResult>();
        foreach (var stage in stages.Where(s => s.Count > 0))
        {
            results.AddRange(await RunStageAsync(stage, settings, cancellation));
        }
        return results;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> RunStageAsync(IReadOnlyList<Scenario> stage, RunSettings settings, CancellationToken cancellation)
    {
        var runs = stage.Select(s => new ScenarioRun(s, settings)).ToArray();
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var tasks = runs.Select(r => Task.Run(() => r.RunAsync(settings.WarmUp ?? r.Scenario.WarmUp, cancellation, hardStop.Token), CancellationToken.None)).ToArray();
        var all = Task.WhenAll(tasks);

        // The generator's own cost over the measured part: CPU time, allocations and collections of this process.
        var process = Process.GetCurrentProcess();
        var cpu0 = TimeSpan.Zero;
        long allocated0 = 0;
        int gen0 = 0, gen1 = 0, gen2 = 0;
        long wall0 = 0;
        var measuring = false;
        var lastPrint = Stopwatch.GetTimestamp();

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (!all.IsCompleted)
        {
            var tick = timer.WaitForNextTickAsync(CancellationToken.None).AsTask();
            await Task.WhenAny(tick, all);
            if (!measuring && runs.All(r => r.MeasureStart != 0))
            {
                measuring = true;
                process.Refresh();
                cpu0 = process.TotalProcessorTime;
                allocated0 = GC.GetTotalAllocatedBytes();
                (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                wall0 = Stopwatch.GetTimestamp();
            }
            var points = runs.Select(r => r.Sample()).ToArray();
            if (settings.Progress is { } progress && (settings.ProgressInPlace || Stopwatch.GetElapsedTime(lastPrint) >= TimeSpan.FromSeconds(5)))
            {
                lastPrint = Stopwatch.GetTimestamp();
                var line = string.Join(" | ", runs.Select((r, i) => ProgressLine(r, points[i], measuring)));
                await progress.WriteAsync(settings.ProgressInPlace ? $"\r{line,-150}" : line + Environment.NewLine);
            }
        }
        await all;   // surfaces a scenario's failure to start

        // Everything is dispatched: let the iterations in flight finish, then cancel the rest (counted as unfinished).
        foreach (var run in runs)
        {
            if (!await run.DrainAsync(settings.Drain, CancellationToken.None))
            {
                await hardStop.CancelAsync();
                _ = await run.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        }
        foreach (var run in runs)
        {
            _ = run.Sample();
        }
        if (settings.Progress is { } done && settings.ProgressInPlace)
        {
            await done.WriteLineAsync();
        }

        process.Refresh();
        var wall = wall0 == 0 ? 0 : Latency.Milliseconds(Stopwatch.GetTimestamp() - wall0) / 1000;
        var iterations = Math.Max(1, runs.Sum(r => r.Iteration.OkCount + r.Iteration.FailCount));
        var generator = new GeneratorFigures(
            wall <= 0 ? 0 : (process.TotalProcessorTime - cpu0).TotalSeconds / wall,
            (GC.GetTotalAllocatedBytes() - allocated0) / 1024.0 / iterations,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2, Environment.ProcessorCount);
        return [.. runs.Select(r => Result(r, generator, settings))];
    }

    private static string ProgressLine(ScenarioRun run, TimelinePoint point, bool measuring)
    {
        var phase = measuring ? $"{point.Second,5:0}s" : "warm-up";
        return string.Create(CultureInfo.InvariantCulture,
            $"{run.Scenario.Name} {phase} {point.Ok + point.Fail,6}/s ok {run.Iteration.OkCount} fail {run.Iteration.FailCount} p50 {point.P50:0.00} p99 {point.P99:0.00} max {point.Max:0.0} ms in-flight {point.InFlight} late {run.Late}");
    }

    private static ScenarioResult Result(ScenarioRun run, GeneratorFigures generator, RunSettings settings)
    {
        var scenario = run.Scenario;
        var resolved = LoadSimulation.Resolve(scenario.Simulations);
        var (planned, duration) = LoadSimulation.Plan(resolved);
        return new ScenarioResult(scenario.Name, scenario.Role, run.IsOpenModel, scenario.Notes, duration, planned, run.Started, run.Late,
            settings.LateAfter, Figures(run.Iteration), [.. run.Steps.Select(Figures)], run.Lag, run.Timeline, generator,
            scenario.ExtraFigures?.Invoke() ?? [])
        {
            SelfCheck = GeneratorCheck.Assess(run.Lag, run.IsOpenModel, settings.GeneratorLimits),
            SenderPriority = run.IsOpenModel ? run.SenderPriority.Description : "closed model: copies run on the thread pool",
        };
    }

    private static StepFigures Figures(StepStats stats) =>
        new(stats.Name, stats.OkCount, stats.FailCount, stats.Bytes, stats.Response, stats.Service, stats.Statuses());
}
