using CustomerGrains.Domain.Events;
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
            Contract = Scoring.Contract(state, now),
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
    /// The decision for <paramref name="context"/> with the inputs and the rule behind each part (tier, stage, service,
    /// marketing mode, selection quadrant, actions), from the one assessment and decision the engine would answer with.
    /// </summary>
    public Explanation Explain(CustomerState state, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var assessment = Assess(state, context.Now);
        return Explanations.Of(this, state, assessment, Decide(state, assessment, context));
    }

    /// <summary>Failures of the models on one customer's figures (as opposed to bugs or infrastructure failures).</summary>
    public static bool IsModelFailure(Exception ex) => ex is ArgumentException or NotSupportedException or ArithmeticException;

    /// <summary>
    /// Applies one event the way the engine does, live or in a replay: time alone may have moved the customer before the
    /// event (e.g. into decline, so that a purchase now is a win-back), then the event itself may move them. The first is
    /// recorded a tick before the event's time, the second at it, neither before the last recorded change. A model that fails to evaluate the stage
    /// is reported to <paramref name="stageFailed"/> and the event is applied regardless (the stage is evaluated again
    /// on the next event or sweep).
    /// </summary>
    public void Apply(CustomerState state, InteractionEvent e, Action<Exception> stageFailed)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(stageFailed);
        var at = state.StageTimeFor(e.OccurredAt);
        // What time alone changed is recorded just before the event (a tick earlier, unless a change is recorded at this
        // very moment already): a purchase that ends a lapse noticed only now then comes after the lapse, a win-back.
        var before = state.StageSince is { } since && since >= at ? at : at.AddTicks(-1);
        TryRecordStage(state, before, stageFailed);
        state.Apply(e);
        TryRecordStage(state, at, stageFailed);
    }

    private void TryRecordStage(CustomerState state, DateTimeOffset at, Action<Exception> stageFailed)
    {
        try
        {
            RecordStage(state, at);
        }
        catch (Exception ex) when (IsModelFailure(ex))
        {
            stageFailed(ex);
        }
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
