namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// One phase of a scenario's load, in NBomber's vocabulary. Injections are the open model: iterations
/// start at intended times whether or not earlier ones finished. <see cref="KeepConstant"/> is the closed
/// model: a fixed number of copies each start their next iteration when the previous one ended.
/// </summary>
public abstract record LoadSimulation(TimeSpan During)
{
    /// <summary><paramref name="rate"/> iterations per <paramref name="interval"/>, spread over the interval (not a burst at its start).</summary>
    public static LoadSimulation Inject(double rate, TimeSpan interval, TimeSpan during) => new InjectPhase(rate / interval.TotalSeconds, rate / interval.TotalSeconds, during);

    /// <summary>Changes the injection rate linearly from the previous phase's rate to <paramref name="rate"/> per <paramref name="interval"/>.</summary>
    public static LoadSimulation RampingInject(double rate, TimeSpan interval, TimeSpan during) => new RampPhase(rate / interval.TotalSeconds, during);

    /// <summary><paramref name="copies"/> copies run iterations back to back (closed model: coordinated omission applies).</summary>
    public static LoadSimulation KeepConstant(int copies, TimeSpan during) => new ConstantPhase(copies, during);

    /// <summary>No load for a while.</summary>
    public static LoadSimulation Pause(TimeSpan during) => new InjectPhase(0, 0, during);

    /// <summary>A ramp whose start rate is known (resolved from the phase before it).</summary>
    internal sealed record InjectPhase(double FromPerSecond, double ToPerSecond, TimeSpan During) : LoadSimulation(During)
    {
        public double RateAt(double fraction) => FromPerSecond + ((ToPerSecond - FromPerSecond) * fraction);
    }

    internal sealed record RampPhase(double ToPerSecond, TimeSpan During) : LoadSimulation(During);

    internal sealed record ConstantPhase(int Copies, TimeSpan During) : LoadSimulation(During);

    /// <summary>Resolves ramps against the rate of the phase before (0 at the start).</summary>
    internal static IReadOnlyList<LoadSimulation> Resolve(IEnumerable<LoadSimulation> simulations)
    {
        var resolved = new List<LoadSimulation>();
        var rate = 0.0;
        foreach (var simulation in simulations)
        {
            switch (simulation)
            {
                case RampPhase ramp:
                    resolved.Add(new InjectPhase(rate, ramp.ToPerSecond, ramp.During));
                    rate = ramp.ToPerSecond;
                    break;
                case InjectPhase inject:
                    resolved.Add(inject);
                    rate = inject.ToPerSecond;
                    break;
                default:
                    resolved.Add(simulation);
                    rate = 0;
                    break;
            }
        }
        return resolved;
    }

    /// <summary>The planned number of iterations of the open phases (the target), and the total duration.</summary>
    internal static (double Planned, TimeSpan Duration) Plan(IReadOnlyList<LoadSimulation> resolved)
    {
        var planned = 0.0;
        var duration = TimeSpan.Zero;
        foreach (var phase in resolved)
        {
            if (phase is InjectPhase inject)
            {
                planned += (inject.FromPerSecond + inject.ToPerSecond) / 2 * inject.During.TotalSeconds;
            }
            duration += phase.During;
        }
        return (planned, duration);
    }

    /// <summary>The same phases cut to the first <paramref name="limit"/> of time (for the warm-up).</summary>
    internal static IReadOnlyList<LoadSimulation> Truncate(IReadOnlyList<LoadSimulation> resolved, TimeSpan limit)
    {
        var result = new List<LoadSimulation>();
        var left = limit;
        foreach (var phase in resolved)
        {
            if (left <= TimeSpan.Zero)
            {
                break;
            }
            if (phase.During <= left)
            {
                result.Add(phase);
            }
            else if (phase is InjectPhase inject)
            {
                result.Add(new InjectPhase(inject.FromPerSecond, inject.RateAt(left / inject.During), left));
            }
            else
            {
                result.Add(phase with { During = left });
            }
            left -= phase.During;
        }
        return result;
    }
}
