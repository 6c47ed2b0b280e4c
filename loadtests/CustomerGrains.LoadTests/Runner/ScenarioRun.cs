using System.Diagnostics;
using HdrHistogram;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>One second of a scenario: what completed in it and how long it took (from the intended start).</summary>
public readonly record struct TimelinePoint(double Second, long Ok, long Fail, double P50, double P99, double Max, long InFlight);

/// <summary>
/// A scenario while it runs: schedules iterations at their intended times (open model) or back to back
/// (closed model) and records each step's response time from the moment it was due, and its service time
/// from the moment it was actually started.
/// </summary>
internal sealed class ScenarioRun
{
    private readonly long lateTicks;
    private readonly Recorder lag = Latency.NewRecorder();
    private readonly int senders;
    private readonly long spinTicks;
    private readonly bool realtime;
    private RealtimePriority.Outcome priority = RealtimePriority.Off;
    private int phases;
    private long iterations;
    private long late;
    private long started;
    private long inFlight;
    private long okSeen;
    private long failSeen;
    private volatile bool recording;
    private long measureStart;
    private CancellationToken hardStop;

    public ScenarioRun(Scenario scenario, RunSettings settings)
    {
        Scenario = scenario;
        lateTicks = Latency.Ticks(settings.LateAfter);
        senders = Math.Max(1, settings.Senders);
        spinTicks = Latency.Ticks(settings.SpinWithin);
        realtime = settings.Realtime;
        Steps = [.. scenario.Steps.Select(s => new StepStats(s.Name))];
        Iteration = new StepStats(scenario.Name);
    }

    public Scenario Scenario { get; }

    public StepStats[] Steps { get; }

    /// <summary>Whole iterations: from the intended start to the end of the last step.</summary>
    public StepStats Iteration { get; }

    /// <summary>The dispatch lag: how late iterations were sent after their intended time (the generator's own delay).</summary>
    public LongHistogram Lag { get; } = Latency.NewHistogram();

    public List<TimelinePoint> Timeline { get; } = [];

    public long Started => Volatile.Read(ref started);

    public long Late => Volatile.Read(ref late);

    public long InFlight => Volatile.Read(ref inFlight);

    /// <summary>The scheduling the sender threads got (real-time or normal, and why).</summary>
    public RealtimePriority.Outcome SenderPriority => Volatile.Read(ref priority);

    public bool IsOpenModel => Scenario.Simulations.All(s => s is not LoadSimulation.ConstantPhase);

    /// <summary>Runs the warm-up (not counted), then the measured simulations; returns when all of them are dispatched.</summary>
    public async Task RunAsync(TimeSpan warmUp, CancellationToken stop, CancellationToken hardStop)
    {
        this.hardStop = hardStop;
        if (Scenario.Init is { } init)
        {
            await init(stop);
        }
        var resolved = LoadSimulation.Resolve(Scenario.Simulations);
        if (warmUp > TimeSpan.Zero)
        {
            recording = false;
            var warm = Scenario.WarmUpSimulations is { } w ? LoadSimulation.Resolve(w) : LoadSimulation.Truncate(resolved, warmUp);
            await RunPhasesAsync(LoadSimulation.Truncate(warm, warmUp), stop);
            await DrainAsync(TimeSpan.FromSeconds(10), stop);
        }
        // Warm-up iterations record nothing (their flag is off), so the counters and histograms start empty
        // here; only the sampler reads and swaps the recorders, never this thread.
        measureStart = Stopwatch.GetTimestamp();
        Volatile.Write(ref started, 0);
        Volatile.Write(ref late, 0);
        recording = true;
        await RunPhasesAsync(resolved, stop);
    }

    /// <summary>When the measured part started (Stopwatch ticks).</summary>
    public long MeasureStart => measureStart;

    /// <summary>Waits until no iteration is in flight, at most <paramref name="limit"/>.</summary>
    public async Task<bool> DrainAsync(TimeSpan limit, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + Latency.Ticks(limit);
        var delay = 1;
        while (InFlight > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline || cancellation.IsCancellationRequested)
            {
                return false;
            }
            await Task.Delay(delay, CancellationToken.None);
            delay = Math.Min(delay * 2, 50);
        }
        return true;
    }

    /// <summary>Moves what was recorded since the last call into the totals and appends a timeline point.</summary>
    public TimelinePoint Sample()
    {
        foreach (var step in Steps)
        {
            _ = step.Sample();
        }
        var figures = Iteration.Sample();
        var ok = Iteration.OkCount;
        var fail = Iteration.FailCount;
        var point = new TimelinePoint(Latency.Milliseconds(Stopwatch.GetTimestamp() - measureStart) / 1000,
            ok - okSeen, fail - failSeen, figures.P50, figures.P99, figures.Max, InFlight);
        okSeen = ok;
        failSeen = fail;
        lag.GetIntervalHistogramInto(scratchLag);
        Lag.Add(scratchLag);
        if (recording)
        {
            Timeline.Add(point);
        }
        return point;
    }

    private readonly LongHistogram scratchLag = Latency.NewHistogram();

    private async Task RunPhasesAsync(IReadOnlyList<LoadSimulation> phases, CancellationToken stop)
    {
        foreach (var phase in phases)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }
            switch (phase)
            {
                case LoadSimulation.InjectPhase inject:
                    await RunOpenAsync(inject, stop);
                    break;
                case LoadSimulation.ConstantPhase constant:
                    await RunClosedAsync(constant, stop);
                    break;
                default:
                    throw new InvalidOperationException($"Unresolved phase {phase}.");
            }
        }
    }

    /// <summary>
    /// The open model: <see cref="senders"/> dedicated threads share the schedule (sender k owns every k-th intended
    /// start: the cumulative rate reaching the next whole iteration, or the next exponential gap for Poisson
    /// arrivals). Each waits for its own starts with <see cref="Pacer"/> (never early) and sends the iteration
    /// itself, so the request is written to the socket without waiting in the thread-pool queue; only what
    /// follows the first await (the answer) runs on the pool. How late each send was is recorded.
    /// </summary>
    private Task RunOpenAsync(LoadSimulation.InjectPhase phase, CancellationToken stop)
    {
        var phaseSeed = Scenario.RandomSeed + Interlocked.Increment(ref phases);
        // One shared origin a moment ahead, so every sender is running before the first start is due.
        var origin = Stopwatch.GetTimestamp() + Latency.Ticks(TimeSpan.FromMilliseconds(5));
        var done = new Task[senders];
        for (var k = 0; k < senders; k++)
        {
            var sender = k;
            done[k] = OnThread($"send {Scenario.Name} {sender + 1}/{senders}", () => Dispatch(phase, origin, sender, phaseSeed, stop));
        }
        return Task.WhenAll(done);
    }

    private Task OnThread(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Pacer.PrepareThread();
                if (realtime)
                {
                    Volatile.Write(ref priority, RealtimePriority.Enter());
                }
                body();
                done.SetResult();
            }
#pragma warning disable CA1031 // The failure is handed to the awaiting task.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        thread.Start();
        return done.Task;
    }

    /// <summary>Sender <paramref name="sender"/>'s share of one phase: every start whose index modulo the sender count is its own.</summary>
    private void Dispatch(LoadSimulation.InjectPhase phase, long origin, int sender, int seed, CancellationToken stop)
    {
        // Every sender draws the same Poisson gaps (same seed), so together they follow one schedule.
        var schedule = new ArrivalSchedule(phase.FromPerSecond, phase.ToPerSecond, phase.During, Scenario.Arrivals, seed, sender, senders);
        while (!stop.IsCancellationRequested && schedule.TryNext(out var t))
        {
            var intended = origin + (long)(t * Stopwatch.Frequency);
            _ = Pacer.WaitUntil(intended, spinTicks, stop);
            if (stop.IsCancellationRequested)
            {
                break;
            }
            Interlocked.Increment(ref inFlight);
            // Sent from this thread up to its first await; the rest continues on the pool.
            _ = IterateAsync(intended, Interlocked.Increment(ref iterations) - 1, recording, closed: false);
        }
        _ = Pacer.WaitUntil(origin + Latency.Ticks(phase.During), spinTicks, stop);
    }

    /// <summary>The closed model: each copy starts its next iteration when the previous one ended.</summary>
    private async Task RunClosedAsync(LoadSimulation.ConstantPhase phase, CancellationToken stop)
    {
        var end = Stopwatch.GetTimestamp() + Latency.Ticks(phase.During);
        var copies = Enumerable.Range(0, phase.Copies).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Stopwatch.GetTimestamp() < end)
            {
                Interlocked.Increment(ref inFlight);
                await IterateAsync(Stopwatch.GetTimestamp(), Interlocked.Increment(ref iterations) - 1, recording, closed: true);
            }
        }, CancellationToken.None));
        await Task.WhenAll(copies);
    }

    private async Task IterateAsync(long intended, long iteration, bool record, bool closed)
    {
        try
        {
            var begun = Stopwatch.GetTimestamp();
            if (record)
            {
                Interlocked.Increment(ref started);
                if (!closed)
                {
                    Latency.Record(lag, begun - intended);
                    if (begun - intended > lateTicks)
                    {
                        Interlocked.Increment(ref late);
                    }
                }
            }
            var context = new StepContext(iteration, hardStop);
            var due = intended;
            var result = default(StepResult);
            long bytes = 0;
            for (var i = 0; i < Steps.Length; i++)
            {
                var stepStart = Stopwatch.GetTimestamp();
                result = await RunStepAsync(Scenario.Steps[i], context);
                var stepEnd = Stopwatch.GetTimestamp();
                if (record)
                {
                    Steps[i].Record(result, stepEnd - due, stepEnd - stepStart);
                }
                due = stepEnd;
                bytes += result.SizeBytes;
                if (!result.IsOk)
                {
                    break;
                }
            }
            if (record)
            {
                Iteration.Record(result with { SizeBytes = bytes }, due - intended, due - begun);
            }
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async ValueTask<StepResult> RunStepAsync(Step step, StepContext context)
    {
        try
        {
            return await step.Run(context);
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            return StepResult.Fail(StepResult.UnfinishedStatus);
        }
        catch (OperationCanceledException)
        {
            return StepResult.Fail(StepResult.TimeoutStatus);
        }
#pragma warning disable CA1031 // Any failure of a step is a failed request, counted by its kind.
        catch (Exception)
#pragma warning restore CA1031
        {
            return StepResult.Fail(StepResult.ExceptionStatus);
        }
    }
}
