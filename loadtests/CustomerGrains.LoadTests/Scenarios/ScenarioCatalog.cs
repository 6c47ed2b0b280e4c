using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerGrains.LoadTests.Baseline;
using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Scenarios;

/// <summary>
/// The load profile every scenario of a run shares: ramp to the rate, hold it, warm up before (open model); or, with
/// <see cref="Copies"/>, that many copies sending back to back for the duration (closed loop, as wrk does).
/// </summary>
public sealed record LoadProfile(double Rate, TimeSpan Ramp, TimeSpan Duration, TimeSpan WarmUp, Arrivals Arrivals)
{
    /// <summary>The closed loop's copies (each sends its next request when its last answer arrived); null for the open model.</summary>
    public int? Copies { get; init; }

    public IReadOnlyList<LoadSimulation> Simulations(double rate) => Copies is { } copies
        ? [LoadSimulation.KeepConstant(copies, Duration)]
        : Ramp > TimeSpan.Zero
        ? [LoadSimulation.RampingInject(rate, TimeSpan.FromSeconds(1), Ramp), LoadSimulation.Inject(rate, TimeSpan.FromSeconds(1), Duration)]
        : [LoadSimulation.Inject(rate, TimeSpan.FromSeconds(1), Duration)];

    /// <summary>
    /// The warm-up runs at a fifth of the rate: enough to open connections and compile the hot paths, without heating
    /// the server before the spike. A closed loop warms up with all its copies (its connections are its copies).
    /// </summary>
    public IReadOnlyList<LoadSimulation> WarmUpSimulations(double rate) => Copies is { } copies
        ? [LoadSimulation.KeepConstant(copies, WarmUp)]
        : [LoadSimulation.Inject(Math.Max(1, rate / 5), TimeSpan.FromSeconds(1), WarmUp)];

    public Scenario Scenario(string name, ScenarioRole role, double rate, params Step[] steps) => new(name, steps, Simulations(rate))
    {
        Role = role,
        WarmUp = WarmUp,
        WarmUpSimulations = WarmUpSimulations(rate),
        Arrivals = Arrivals,
    };

    public string Describe() => Copies is { } copies
        ? string.Create(CultureInfo.InvariantCulture,
            $"load: closed loop, {copies} copies back to back for {Duration.TotalSeconds:0.#} s (each sends when its last answer arrived: the rate is the most the target answers with that many requests in flight; latencies are service times, coordinated omission applies); warm-up {WarmUp.TotalSeconds:0.#} s, not counted")
        : string.Create(CultureInfo.InvariantCulture,
            $"load: ramp 0 -> {Rate:0.#}/s over {Ramp.TotalSeconds:0.#} s, then {Rate:0.#}/s for {Duration.TotalSeconds:0.#} s ({Arrivals.ToString().ToLowerInvariant()} arrivals, open model); warm-up {WarmUp.TotalSeconds:0.#} s at a fifth of the rate, not counted");
}

/// <summary>The scenarios of the runner, as stages: the engine first, then the baseline, then the floors.</summary>
public sealed class ScenarioCatalog(EngineApi engine, PostgresBaseline? baseline, LoadProfile profile, double zipfExponent)
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private ZipfSampler? phones;
    private ZipfSampler? customers;

    private ZipfSampler Phones => phones ??= new ZipfSampler(engine.Seed.PhoneNumbers.Length, zipfExponent, 7);

    private ZipfSampler Customers => customers ??= new ZipfSampler(engine.Seed.CustomerIds.Length, zipfExponent, 11);

    /// <summary>ingest-burst: how many visibility probes start a second (a p99 wants 1,000 or more in a run).</summary>
    public double ProbeRate { get; init; } = 5;

    public static readonly string[] Names = ["screenpop-spike", "ingest-burst", "mixed", "cold-start", "failover", "floors"];

    /// <summary>Lines for the report header that say what the engine's steps call.</summary>
    public IReadOnlyList<string> Header() =>
    [
        engine.LookupDescription,
        engine.DecisionDescription,
        string.Create(CultureInfo.InvariantCulture, $"customers chosen Zipf-distributed (exponent {zipfExponent}) over {EngineApi.Count(engine.Seed.PhoneNumbers.Length)} phone numbers of {EngineApi.Count(engine.Seed.CustomerIds.Length)} customers"),
        baseline is null ? "baseline: none (--baseline none)" : $"baseline: {baseline.Description}; it answers the engine's compact screen-pop under the same field names (every customer of the number, most valuable first: name, masked phones and e-mail, tier and its service, net value, stage, recovery script, apologise and compensation, actions, last mood, open complaints, the last 10 interactions with a one-line description) as one JSON document in one query by phone number, called from the runner without an HTTP layer (which favours it by about the HTTP floor); bytes/resp compares the sizes of the two answers",
    ];

    public IReadOnlyList<IReadOnlyList<Scenario>> Stages(string name, bool floors, string? killPid, TimeSpan killAt, double ingestRate, int batchEvents) => name switch
    {
        "screenpop-spike" => [[ScreenPop("screenpop-spike", profile.Rate)], BaselineStage(), .. FloorStages(floors)],
        "ingest-burst" => [[Ingest("ingest-burst", ScenarioRole.Engine, ingestRate, batchEvents), Visibility()], BaselineIngest(ingestRate, batchEvents), .. FloorStages(floors)],
        "mixed" => [Mixed(ingestRate, batchEvents), BaselineMixed(ingestRate, batchEvents), .. FloorStages(floors)],
        "cold-start" => [[ColdStart()], BaselineStage("baseline-postgres-cold"), .. FloorStages(floors)],
        "failover" => [[Failover(killPid ?? throw new ArgumentException("failover needs --kill-pid PID (a silo process of the local cluster) and optionally --kill-at"), killAt)]],
        "floors" => [.. FloorStages(true)],
        _ => throw new ArgumentException($"Unknown scenario '{name}'; scenarios: {string.Join(", ", Names)}, http-get."),
    };

    private Scenario ScreenPop(string name, double rate, ScenarioRole role = ScenarioRole.Engine)
    {
        var lookup = new Step("lookup", c => engine.ScreenPopAsync(Phones.Next(), c));
        // The phone directory's card carries the decision already; without it the decision is a second request.
        Step[] steps = engine.HasDecision && engine.Cluster is null && !engine.HasPhoneDirectory ? [lookup, new Step("decision", engine.DecisionAsync)] : [lookup];
        return profile.Scenario(name, role, rate, steps) with { Notes = [engine.LookupDescription, engine.DecisionDescription] };
    }

    private IReadOnlyList<Scenario> BaselineStage(string name = "baseline-postgres") => baseline is null ? [] :
    [
        profile.Scenario(name, ScenarioRole.Baseline, profile.Rate,
            new Step("screenpop-sql", c => baseline.ScreenPopAsync(engine.Seed.PhoneNumbers[Phones.Next()], c.Cancellation)))
            with { Notes = ["The compact screen-pop's answer, same fields under the same names (every customer of the number, contact data masked, tier, stage, treatment, open complaints, last 10 interactions), as JSON from PostgreSQL in one query by phone number, same rate and customer distribution."] },
    ];

    private IEnumerable<IReadOnlyList<Scenario>> FloorStages(bool floors)
    {
        if (!floors)
        {
            yield break;
        }
        var ping = engine.Http.Prepare("/api/ping");
        yield return [profile.Scenario("floor-http", ScenarioRole.Floor, profile.Rate, new Step("ping", c => engine.Http.GetAsync(ping, c.Cancellation)))
            with { Notes = ["GET /api/ping: an empty endpoint on the same host (204), the HTTP floor."] }];
        yield return [profile.Scenario("floor-grain", ScenarioRole.Floor, profile.Rate, new Step("ping-grain", c => engine.PingGrainAsync(c.Cancellation)))
            with { Notes = [engine.Cluster is null ? "GET /api/ping/grain: an empty stateless-worker grain call behind HTTP, the Orleans floor." : "IPingGrain through the typed client: the Orleans floor."] }];
    }

    private Scenario Ingest(string name, ScenarioRole role, double eventsPerSecond, int batchEvents)
    {
        var step = new Step("ingest", c => engine.Http.PostJsonAsync("/api/interactions", IngestBody(c.Iteration, batchEvents), c.Cancellation));
        return profile.Scenario(name, role, eventsPerSecond / batchEvents, step) with
        {
            Notes = [string.Create(CultureInfo.InvariantCulture, $"POST /api/interactions with {batchEvents} contact event(s) per request to Zipf-chosen seeded customers, {eventsPerSecond:0.#} events/s; ok = 202 (durable in the log)")],
        };
    }

    private byte[] IngestBody(long iteration, int events)
    {
        var body = new StringBuilder("{\"events\":[");
        var at = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        for (var k = 0; k < events; k++)
        {
            var customer = engine.Seed.CustomerIds[Customers.Next()];
            body.Append(k == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"eventId":"burst-{{run}}-{{iteration}}-{{k}}","customerId":"{{customer}}","type":"contact","occurredAt":"{{at}}","source":"loadtest","channel":"phone","reason":"billing","durationSeconds":120}""");
        }
        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    private Scenario Visibility()
    {
        var probes = new VisibilityProbes(engine.Http, run, Math.Max(64, (int)Math.Ceiling(ProbeRate * 4)));
        return new Scenario("event-to-visible", [new Step("post", probes.PostAsync), new Step("visible", probes.VisibleAsync)],
            (profile with { Copies = null }).Simulations(Math.Min(ProbeRate, profile.Rate)))
        {
            Role = ScenarioRole.Companion,
            WarmUp = profile.WarmUp,
            Arrivals = Arrivals.Poisson,
            Init = probes.InitAsync,
            Notes = [string.Create(CultureInfo.InvariantCulture, $"During the burst, {Math.Min(ProbeRate, profile.Rate):0.#} probes a second post one event each to an already active probe customer and read it until it shows the event (polling every 2 ms): the step 'visible' is the time from the acknowledgement to visible, the iteration the time from the intended post to visible.")],
        };
    }

    private IReadOnlyList<Scenario> BaselineIngest(double eventsPerSecond, int batchEvents) => baseline is null ? [] :
    [
        profile.Scenario("baseline-postgres-insert", ScenarioRole.Baseline, eventsPerSecond / batchEvents,
            new Step("insert-sql", c => baseline.InsertContactsAsync($"bl-{run}-{c.Iteration}", batchEvents, () => engine.Seed.CustomerIds[Customers.Next()], c.Cancellation)))
            with { Notes = ["The same events as rows of the interactions table, one committed INSERT per request (durable, like the engine's 202)."] },
    ];

    private IReadOnlyList<Scenario> Mixed(double ingestRate, int batchEvents) =>
    [
        ScreenPop("agents", profile.Rate) with { Notes = ["Agents: screen-pop lookups.", engine.LookupDescription] },
        profile.Scenario("services", ScenarioRole.Companion, profile.Rate,
            new Step("customer", c => engine.CustomerAsync(Customers.Next(), c.Cancellation)))
            with { Notes = [engine.Cluster is null ? "Backend services: GET /api/customers/{id} of Zipf-chosen customers." : "Backend services: the typed client's GetCustomerAsync."] },
        Ingest("ingest", ScenarioRole.Companion, ingestRate, batchEvents),
    ];

    private IReadOnlyList<Scenario> BaselineMixed(double ingestRate, int batchEvents) => baseline is null ? [] :
    [
        .. BaselineStage("baseline-agents"),
        profile.Scenario("baseline-services", ScenarioRole.Companion, profile.Rate,
            new Step("card-sql", c => baseline.ScreenPopAsync(engine.Seed.PhoneNumbers[Phones.Next()], c.Cancellation))),
        .. BaselineIngest(ingestRate, batchEvents).Select(s => s with { Name = "baseline-ingest", Role = ScenarioRole.Companion }),
    ];

    private Scenario ColdStart()
    {
        var order = Enumerable.Range(0, engine.Seed.PhoneNumbers.Length).ToArray();
        new Random(23).Shuffle(order);
        long next = -1;
        return profile.Scenario("cold-start", ScenarioRole.Engine, profile.Rate,
            new Step("lookup-cold", c => engine.ScreenPopAsync(order[(int)((ulong)Interlocked.Increment(ref next) % (ulong)order.Length)], c)))
            with
        {
            Notes =
            [
                "Every lookup is of a different customer, never read before in this run (the warm-up uses others).",
                "They are cold only if the engine was restarted after the seed (ingest activates the grains) and no earlier run read them: restart the host before this scenario.",
                engine.LookupDescription,
            ],
        };
    }

    private Scenario Failover(string pid, TimeSpan killAt)
    {
        long killedAt = 0, lastFailure = 0, lastSlow = 0, failures = 0, slow = 0;
        var slowAfter = Stopwatch.Frequency;   // a lookup over 1 s is one the agent notices
        var scenario = ScreenPop("failover", profile.Rate);
        var lookup = scenario.Steps[0];
        var watched = new Step(lookup.Name, async c =>
        {
            var sent = Stopwatch.GetTimestamp();
            var result = await lookup.Run(c);
            var done = Stopwatch.GetTimestamp();
            if (Volatile.Read(ref killedAt) != 0)
            {
                if (!result.IsOk)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.Exchange(ref lastFailure, done);
                }
                else if (done - sent > slowAfter)
                {
                    Interlocked.Increment(ref slow);
                    Interlocked.Exchange(ref lastSlow, done);
                }
            }
            return result;
        });
        return scenario with
        {
            Steps = [watched, .. scenario.Steps.Skip(1)],
            Init = cancellation =>
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(profile.WarmUp + profile.Ramp + killAt, cancellation);
                    using var silo = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                    Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
                    silo.Kill();   // SIGKILL: nothing in memory survives
                });
                return Task.CompletedTask;
            },
            Notes = [$"The silo process {pid} is killed (SIGKILL) {killAt.TotalSeconds:0.#} s after the ramp; the other silos must take over its customers.", .. scenario.Notes],
            ExtraFigures = () =>
            [
                ("silo killed", killedAt == 0 ? "no (the run ended first)" : "yes"),
                ("failed lookups after the kill", failures.ToString(CultureInfo.InvariantCulture)),
                ("lookups after the kill answered in over 1 s (service time)", slow.ToString(CultureInfo.InvariantCulture)),
                ("time to recover (kill to the last failure)", lastFailure == 0 ? "no failure" : $"{Latency.Milliseconds(lastFailure - killedAt):0} ms"),
                ("time to recover (kill to the last failure or lookup over 1 s)",
                    Math.Max(lastFailure, lastSlow) == 0 ? "none failed or took over 1 s" : $"{Latency.Milliseconds(Math.Max(lastFailure, lastSlow) - killedAt):0} ms"),
            ],
        };
    }
}
