namespace CustomerGrains.LoadTests.Runner;

/// <summary>What a step sees of its iteration. One per iteration; later steps read what earlier ones left in <see cref="Key"/>.</summary>
public sealed class StepContext(long iteration, CancellationToken cancellation)
{
    /// <summary>The iteration's number within its scenario, from 0 (warm-up iterations included).</summary>
    public long Iteration { get; } = iteration;

    /// <summary>Cancelled when the run is over and its drain time has passed.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>A value an earlier step hands to later ones (e.g. the customer id a lookup resolved).</summary>
    public string? Key { get; set; }

    /// <summary>A number an earlier step hands to later ones (e.g. the index of the customer it looked up).</summary>
    public int Item { get; set; }

    /// <summary>Any object an earlier step hands to later ones.</summary>
    public object? State { get; set; }
}

/// <summary>A named async step of a scenario iteration.</summary>
public sealed record Step(string Name, Func<StepContext, ValueTask<StepResult>> Run);

/// <summary>How the open model spaces its intended start times.</summary>
public enum Arrivals
{
    /// <summary>Evenly spaced at the current rate.</summary>
    Constant,

    /// <summary>Exponential gaps at the current rate (a Poisson process, as independent callers arrive).</summary>
    Poisson,
}

/// <summary>What a scenario stands for in the comparison tables.</summary>
public enum ScenarioRole
{
    /// <summary>The engine under test.</summary>
    Engine,

    /// <summary>What users pick instead (PostgreSQL directly).</summary>
    Baseline,

    /// <summary>The limit: an empty endpoint or grain call.</summary>
    Floor,

    /// <summary>Background load or a probe beside the measured scenario.</summary>
    Companion,
}

/// <summary>
/// A scenario in NBomber's sense: named steps run in sequence per iteration (a failed step ends the
/// iteration), driven by load simulations, after an uncounted warm-up.
/// </summary>
public sealed record Scenario(string Name, IReadOnlyList<Step> Steps, IReadOnlyList<LoadSimulation> Simulations)
{
    public ScenarioRole Role { get; init; } = ScenarioRole.Engine;

    /// <summary>How long the uncounted warm-up lasts; it runs <see cref="WarmUpSimulations"/> or the first part of the simulations.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The warm-up's load; by default the simulations cut to <see cref="WarmUp"/>.</summary>
    public IReadOnlyList<LoadSimulation>? WarmUpSimulations { get; init; }

    public Arrivals Arrivals { get; init; } = Arrivals.Constant;

    /// <summary>Runs once before the warm-up (e.g. to probe which endpoints exist).</summary>
    public Func<CancellationToken, Task>? Init { get; init; }

    /// <summary>Lines the report prints under the scenario's name (what it measures, what it stands in for).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Figures measured by the scenario itself beside the step latencies (e.g. time to recover), added after the run.</summary>
    public Func<IReadOnlyList<(string Name, string Value)>>? ExtraFigures { get; init; }

    /// <summary>The seed of the Poisson arrivals, so runs can be repeated.</summary>
    public int RandomSeed { get; init; } = 17;
}
