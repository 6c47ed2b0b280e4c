using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CustomerGrains.Benchmarks.Samples;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Benchmarks;

/// <summary>
/// What a read costs once the customer's state is in memory: the value snapshot (target under 2 µs) and the
/// decision from state (target under 5 µs), and the parts of the decision so a slow one can be found.
/// The state is built from the customer's events the way the grain builds it (stage recorded after each event),
/// and judged against a population of 5,000 measured customers, so tiers, RFM and percentiles are real.
/// </summary>
[MemoryDiagnoser]
public class StateBenchmarks
{
    /// <summary>Customers in the measured population.</summary>
    public const int PopulationSize = 5_000;

    private EngineRules rules = null!;
    private CustomerState state = null!;
    private DecisionContext context = null!;
    private Assessment assessment = null!;
    private SegmentAverages? segment;
    private Decision decision = null!;

    /// <summary>typical: 20 purchases over two years with contacts, complaints and a survey; heavy: 150 purchase days over five years.</summary>
    [Params("typical", "heavy")]
    public string Customer { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        rules = MeasuredRules.Create(PopulationSize);
        var events = Customer == "heavy" ? CustomerHistories.Heavy("bench-heavy") : CustomerHistories.Typical("bench-typical");
        state = GrainLikeState.Build(events, rules);
        context = new DecisionContext(Channel.Phone, "billing", CustomerHistories.Now);
        assessment = rules.Assess(state, CustomerHistories.Now);
        segment = rules.Scoring.Population.Segments?.GetValueOrDefault(assessment.ValueView.Tier);
        decision = rules.Decide(state, context);
    }

    /// <summary>pAlive, expected purchases, expected spend, CLV, cost to serve, net value, RFM, tier and the net value's percentile.</summary>
    [Benchmark]
    public (ValueScore Score, double? Percentile) ValueSnapshot()
    {
        var score = rules.Scoring.Score(state, CustomerHistories.Now);
        return (score, rules.Scoring.Population.PercentileOf(score.NetValue));
    }

    /// <summary>Value, lifecycle stage, need profile and the tiered decision under the policy: what <c>GetDecisionAsync</c> computes.</summary>
    [Benchmark]
    public Decision Decision() => rules.Decide(state, context);

    /// <summary>Value, lifecycle stage and need profile without the decision: what <c>GetSnapshotAsync</c> adds to the facts.</summary>
    [Benchmark]
    public Assessment Assess() => rules.Assess(state, CustomerHistories.Now);

    /// <summary>The lifecycle stage alone, given P(alive).</summary>
    [Benchmark]
    public LifecycleView Lifecycle() => LifecycleEvaluator.Evaluate(state, CustomerHistories.Now, assessment.Value.PAlive, rules.Lifecycle);

    /// <summary>The need profile alone, with the individuality against the customer's tier.</summary>
    [Benchmark]
    public NeedProfileView Needs() => NeedProfile.Of(state, CustomerHistories.Now, rules.Needs, segment);

    /// <summary>
    /// Not domain work: the JSON round trip the Orleans JSON codec makes when it copies a decision handed from a
    /// grain to a caller in the same silo (domain views cross the wire as JSON), for comparison with the decision itself.
    /// </summary>
    [Benchmark]
    public Decision? DecisionJsonCopy() =>
        JsonSerializer.Deserialize<Decision>(JsonSerializer.SerializeToUtf8Bytes(decision, InteractionJson.Options), InteractionJson.Options);

    /// <summary>The decision rules alone, given value, stage and needs.</summary>
    [Benchmark]
    public Decision DecisionRules() =>
        DecisionEngine.Decide(state, assessment.ValueView, assessment.Lifecycle, assessment.Needs, context, rules.Policy);
}

/// <summary>Builds a state as the customer grain does: events in the order they happened, the stage recorded before and after each.</summary>
public static class GrainLikeState
{
    public static CustomerState Build(IReadOnlyList<InteractionEvent> events, EngineRules rules)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(rules);
        var state = new CustomerState(events[0].CustomerId);
        foreach (var e in events.OrderBy(e => e.OccurredAt))
        {
            var at = state.StageTimeFor(e.OccurredAt);
            rules.RecordStage(state, at);
            state.Apply(e);
            rules.RecordStage(state, at);
        }
        return state;
    }
}
