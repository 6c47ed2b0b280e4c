using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.State;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Decisions;

/// <summary>A customer's value, stage and needs as of one moment: what the decision acts on.</summary>
public sealed record Assessment(ValueScore Value, ValueView ValueView, LifecycleView Lifecycle, NeedProfileView Needs);

/// <summary>
/// Everything a customer is judged by at one time: the scoring model and population, the service policy,
/// and the lifecycle and need options. Pure: the same state, moment and rules give the same answers.
/// </summary>
public sealed record EngineRules(ScoringModel Scoring, Policy Policy, LifecycleOptions Lifecycle, NeedOptions Needs)
{
    /// <summary>Value, lifecycle stage and need profile as of <paramref name="now"/>.</summary>
    public Assessment Assess(CustomerState state, DateTimeOffset now)
    {
        var value = Scoring.Score(state, now);
        var tier = ValueView.TierName(value.Tier);
        var valueView = new ValueView(
            value.PAlive, (decimal)value.NetValue, (decimal)value.Clv, tier, Scoring.Population.PercentileOf(value.NetValue))
        {
            PeerComplaintsPerYear = Scoring.Population.ComplaintsPerYear,
        };
        var lifecycle = LifecycleEvaluator.Evaluate(state, now, value.PAlive, Lifecycle);
        var segment = Scoring.Population.Segments?.GetValueOrDefault(tier);
        var needs = NeedProfile.Of(state, now, Needs, segment, Contacts.LocalZone.Of(state, Policy.Calendar));
        return new Assessment(value, valueView, lifecycle, needs);
    }

    /// <summary>The tiered service decision for a contact as of <paramref name="context"/>'s moment.</summary>
    public Decision Decide(CustomerState state, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Decide(state, Assess(state, context.Now), context);
    }

    /// <summary>The decision from an assessment already made for <paramref name="context"/>'s moment (a card shows both).</summary>
    public Decision Decide(CustomerState state, Assessment assessment, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(context);
        return DecisionEngine.Decide(state, assessment.ValueView, assessment.Lifecycle, assessment.Needs, context, Policy);
    }

    /// <summary>
    /// Evaluates the stage as of <paramref name="at"/> and records it in the state when it changed (after an
    /// event, or when time alone moved the customer). Returns the evaluation when a transition was recorded.
    /// </summary>
    public LifecycleView? RecordStage(CustomerState state, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        var view = LifecycleEvaluator.Evaluate(state, at, Scoring.PAlive(state, at), Lifecycle);
        return state.RecordStage(view, at) ? view : null;
    }
}
