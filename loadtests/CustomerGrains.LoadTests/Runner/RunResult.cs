using HdrHistogram;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>The figures of one step (or of whole iterations) over the measured part of a run.</summary>
public sealed record StepFigures(string Name, long Ok, long Fail, long Bytes, LongHistogram Response, LongHistogram Service,
    IReadOnlyList<(string Status, long Count)> Statuses)
{
    public long Requests => Ok + Fail;

    public double FailPercent => Requests == 0 ? 0 : Fail * 100.0 / Requests;

    /// <summary>A response-time percentile in milliseconds (0 when nothing was recorded).</summary>
    public double ResponseMs(double percentile) => Response.TotalCount == 0 ? 0 : Latency.Milliseconds(Response.GetValueAtPercentile(percentile));

    public double ServiceMs(double percentile) => Service.TotalCount == 0 ? 0 : Latency.Milliseconds(Service.GetValueAtPercentile(percentile));

    public double ResponseMaxMs => Response.TotalCount == 0 ? 0 : Latency.Milliseconds(Response.GetMaxValue());
}

/// <summary>What the load generator itself cost while a stage ran (it shares the machine with the server).</summary>
public sealed record GeneratorFigures(double CpuCores, double AllocatedKbPerIteration, int Gen0, int Gen1, int Gen2, int ProcessorCount);

/// <summary>The outcome of one scenario.</summary>
public sealed record ScenarioResult(
    string Name,
    ScenarioRole Role,
    bool OpenModel,
    IReadOnlyList<string> Notes,
    TimeSpan Duration,
    double PlannedIterations,
    long StartedIterations,
    long LateIterations,
    TimeSpan LateAfter,
    StepFigures Iterations,
    IReadOnlyList<StepFigures> Steps,
    LongHistogram Lag,
    IReadOnlyList<TimelinePoint> Timeline,
    GeneratorFigures Generator,
    IReadOnlyList<(string Name, string Value)> Extra)
{
    /// <summary>Whether the generator kept its dispatch lag within its limits (<see cref="GeneratorCheck"/>).</summary>
    public GeneratorVerdict SelfCheck { get; init; } = new(false, false, "not checked");

    /// <summary>How the sender threads were scheduled: real-time or normal priority, and why.</summary>
    public string SenderPriority { get; init; } = "";

    public double TargetRate => Duration.TotalSeconds <= 0 ? 0 : PlannedIterations / Duration.TotalSeconds;

    public double AchievedRate => Duration.TotalSeconds <= 0 ? 0 : Iterations.Requests / Duration.TotalSeconds;

    /// <summary>The step or iteration figures named <paramref name="name"/> (the scenario's name means whole iterations).</summary>
    public StepFigures? Find(string? name) =>
        name is null || name == Name ? Iterations : Steps.FirstOrDefault(s => s.Name == name);
}

/// <summary>A whole run: every scenario of every stage, with the run's description for the report header.</summary>
public sealed record RunResult(string Title, DateTimeOffset StartedAt, string CommandLine, IReadOnlyList<string> Header,
    IReadOnlyList<ScenarioResult> Scenarios, IReadOnlyList<ThresholdOutcome> Thresholds)
{
    public bool Passed => Thresholds.All(t => t.Passed);

    /// <summary>The scenarios where the generator's own dispatch lag was over its limits.</summary>
    public IReadOnlyList<ScenarioResult> GeneratorBound => [.. Scenarios.Where(s => s.SelfCheck.Bottleneck)];

    /// <summary>The outside tool's closed-loop measurement of the HTTP floor in the same run (<c>--wrk</c>), if asked for.</summary>
    public WrkResult? Wrk { get; init; }
}
