using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Lifecycle;

/// <summary>
/// Places a customer in a lifecycle stage as of "now". P(alive) is an input (the value model computes it
/// for the same moment), so a customer declines and churns by the passing of time alone; the rest is read
/// from the state. The rules, in order:
/// <list type="number">
/// <item>An explicit cancellation not followed by a purchase: churned.</item>
/// <item>Every subscription ended (none running, the last cancellation not followed by a purchase): churned.</item>
/// <item>No purchase yet: a running subscription places the subscriber by its tenure (exploration in its first month,
/// stability after the stability tenure, formation between, decline on the complaint and dissatisfaction rules below);
/// without one, prospect.</item>
/// <item>A purchase after the recorded decline or churn (or after a cancellation): win-back, back to formation.</item>
/// <item>P(alive) below the churn threshold: churned; below the decline threshold: decline; except while the
/// gap since the last purchase is within the customer's own longest gap (their rhythm), and except while a subscription
/// runs (a subscriber pays every month: the purchase model's P(alive) does not say they left).</item>
/// <item>A complaint open too long, silent dissatisfaction (a poor or worsening experience gap, a detractor
/// score) in a recent survey, or a falling spend trend (the last purchases' spend rate far below the customer's own
/// earlier rate): decline.</item>
/// <item>Otherwise by repeat purchases since the start (or the win-back): exploration (none), stability (enough
/// repeats, tenure and P(alive); kept once reached until decline), else formation (with rising value when the spend
/// trend rises).</item>
/// </list>
/// </summary>
public static class LifecycleEvaluator
{
    /// <summary>Evaluates the stage of <paramref name="state"/> as of <paramref name="now"/>; pure and O(1) in the history's length.</summary>
    public static LifecycleView Evaluate(CustomerState state, DateTimeOffset now, double pAlive, LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(pAlive) || pAlive is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pAlive), pAlive, "P(alive) must be between 0 and 1.");
        }

        var reasons = new List<Reason>(3);
        var review = now + options.ReviewAfter(state.CustomerId);
        if (state.Cancellation is { } cancellation && !(state.LastPurchaseAt > cancellation.At))
        {
            reasons.Add(new Reason("lifecycle.churn.cancelled",
                $"the customer cancelled on {Formats.Day(cancellation.At)}" + (cancellation.Reason is { } why ? $" ({why})" : "")));
            return View(state, now, pAlive, LifecycleStage.Churned, reasons, options, winBack: false, state.EpisodeStartedAt, rhythm: false, review);
        }
        var contract = SubscriptionFacts.StatusAt(state.Subscriptions, now);
        if (!contract.IsContractual && SubscriptionFacts.LastEnded(state.Subscriptions, now) is { } ended && !(state.LastPurchaseAt > ended.CancelledAt))
        {
            reasons.Add(new Reason("lifecycle.churn.subscriptionEnded",
                $"every subscription has ended: the last, {(ended.Plan.Length > 0 ? ended.Plan : "a subscription")}, was cancelled on {Formats.Day(ended.CancelledAt!.Value)}" +
                (ended.CancelReason is { } why ? $" ({why})" : "")));
            return View(state, now, pAlive, LifecycleStage.Churned, reasons, options, winBack: false, state.EpisodeStartedAt, rhythm: false, review);
        }
        if (state.LastPurchaseAt is not { } lastPurchase)
        {
            if (contract.IsContractual)
            {
                return Subscriber(state, now, pAlive, contract, options, review);
            }
            reasons.Add(new Reason("lifecycle.prospect", "known but has not bought yet"));
            return View(state, now, pAlive, LifecycleStage.Prospect, reasons, options, winBack: false, null, rhythm: false, review);
        }

        var episodeStart = state.EpisodeStartedAt;
        var winBack = false;
        if (LapseStart(state) is { } lapse && lastPurchase > lapse)
        {
            winBack = true;
            episodeStart = FirstPurchaseDayAfter(state.PurchaseDays, lapse);
            reasons.Add(new Reason("lifecycle.winBack",
                $"bought again on {Formats.Day(episodeStart.Value)} after {(state.Stage is { } recorded && !LifecycleView.IsActive(recorded) ? Name(recorded) : "cancelling")}: back to formation"));
        }

        var gapDays = Math.Max(0, (now - lastPurchase).TotalDays);
        var ownLongest = state.LongestPurchaseGapDays * options.RhythmTolerance;
        var rhythm = state.PurchaseDays.Count - 1 >= options.MinGapsForRhythm && gapDays <= ownLongest;
        if (rhythm)
        {
            review = Earliest(review, lastPurchase.AddDays(ownLongest));
        }

        // Room for the decline reasons (P(alive), complaint, up to one per surveyed dimension, detractor) and those found so far.
        var declining = new List<Reason>(4 + reasons.Count);
        if (pAlive < options.DeclinePAlive && contract.IsContractual)
        {
            reasons.Add(new Reason("lifecycle.contractual",
                $"P(alive) {Formats.Number(pAlive, "0.00")} from purchases is low, but the customer pays a running subscription ({Describe(contract)})"));
        }
        else if (pAlive < options.DeclinePAlive)
        {
            if (rhythm)
            {
                reasons.Add(new Reason("lifecycle.rhythm",
                    $"P(alive) {Formats.Number(pAlive, "0.00")} is low, but {Formats.Number(gapDays, "0")} days since the last purchase is within the customer's own longest gap of {state.LongestPurchaseGapDays} days"));
            }
            else if (pAlive < options.ChurnPAlive)
            {
                reasons.Insert(0, new Reason("lifecycle.churn.pAlive",
                    $"P(alive) {Formats.Number(pAlive, "0.00")} is below the churn threshold {Formats.Number(options.ChurnPAlive, "0.00")} ({Formats.Number(gapDays, "0")} days since the last purchase)"));
                return View(state, now, pAlive, LifecycleStage.Churned, reasons, options, winBack: false, episodeStart, rhythm, review);
            }
            else
            {
                declining.Add(new Reason("lifecycle.decline.pAlive",
                    $"P(alive) {Formats.Number(pAlive, "0.00")} is below the decline threshold {Formats.Number(options.DeclinePAlive, "0.00")} ({Formats.Number(gapDays, "0")} days since the last purchase)"));
            }
        }
        review = Earliest(review, UnresolvedComplaint(state, now, options, declining));
        SilentDissatisfaction(state, now, options, declining);
        // A won-back relationship is judged by its own spend, not by that of the one that lapsed.
        var trend = SpendTrend.Of(state, options.SpendTrendPurchases,
            episodeStart is { } began ? FirstIndexOnOrAfter(state.PurchaseDays, DateOnly.FromDateTime(began.UtcDateTime)) : 0);
        if (trend is not null && trend.Ratio <= options.FallingSpendTrend)
        {
            declining.Add(new Reason("lifecycle.decline.spendTrend",
                $"spend trend down: {trend.Describe()}, at or below {Formats.Number(options.FallingSpendTrend, "P0")}"));
        }
        if (declining.Count > 0)
        {
            declining.AddRange(reasons);
            return View(state, now, pAlive, LifecycleStage.Decline, declining, options, winBack: false, episodeStart, rhythm, review) with { SpendTrend = trend };
        }

        var stage = ActiveStage(state, now, pAlive, options, episodeStart, winBack, reasons, ref review);
        if (stage == LifecycleStage.Formation && trend is not null && trend.Ratio >= options.RisingSpendTrend)
        {
            reasons.Add(new Reason("lifecycle.formation.risingValue",
                $"value rising: {trend.Describe()}, at or above {Formats.Number(options.RisingSpendTrend, "P0")}"));
        }
        return View(state, now, pAlive, stage, reasons, options, winBack, episodeStart, rhythm, review) with { SpendTrend = trend };
    }

    /// <summary>A subscriber who has bought nothing besides the subscription: the contract's tenure is the relationship.</summary>
    private static LifecycleView Subscriber(CustomerState state, DateTimeOffset now, double pAlive, ContractStatus contract,
        LifecycleOptions options, DateTimeOffset review)
    {
        var since = contract.Since!.Value;
        var declining = new List<Reason>(4);
        review = Earliest(review, UnresolvedComplaint(state, now, options, declining));
        SilentDissatisfaction(state, now, options, declining);
        if (declining.Count > 0)
        {
            return View(state, now, pAlive, LifecycleStage.Decline, declining, options, winBack: false, since, rhythm: false, review);
        }
        var reasons = new List<Reason>(1);
        LifecycleStage stage;
        if (contract.TenureMonths == 0)
        {
            stage = LifecycleStage.Exploration;
            review = Earliest(review, since.AddMonths(1));
            reasons.Add(new Reason("lifecycle.exploration.subscription", $"subscribed on {Formats.Day(since)} ({Describe(contract)}): in its first month"));
        }
        else if (now - since >= options.StabilityTenure)
        {
            stage = LifecycleStage.Stability;
            reasons.Add(new Reason("lifecycle.stability.subscription",
                $"subscribed since {Formats.Day(since)} ({Describe(contract)}), at least {Formats.Number(options.StabilityTenure.TotalDays, "0")} days"));
        }
        else
        {
            stage = LifecycleStage.Formation;
            review = Earliest(review, since + options.StabilityTenure);
            reasons.Add(new Reason("lifecycle.formation.subscription",
                $"subscribed since {Formats.Day(since)} ({Describe(contract)}); stability after {Formats.Number(options.StabilityTenure.TotalDays, "0")} days of subscription"));
        }
        return View(state, now, pAlive, stage, reasons, options, winBack: false, since, rhythm: false, review);
    }

    private static string Describe(ContractStatus contract) =>
        $"{contract.Plan}, {contract.TenureMonths} month(s) of tenure" + (contract.Subscriptions > 1 ? $", {contract.Subscriptions} subscriptions" : "");

    private static LifecycleStage ActiveStage(CustomerState state, DateTimeOffset now, double pAlive, LifecycleOptions options,
        DateTimeOffset? episodeStart, bool winBack, List<Reason> reasons, ref DateTimeOffset review)
    {
        var days = state.PurchaseDays;
        var firstIndex = episodeStart is { } start ? FirstIndexOnOrAfter(days, DateOnly.FromDateTime(start.UtcDateTime)) : 0;
        var repeats = days.Count - firstIndex - 1;
        if (episodeStart is null && repeats <= 0)
        {
            reasons.Add(new Reason("lifecycle.exploration", "one purchase day so far, no repeat purchase yet"));
            return LifecycleStage.Exploration;
        }
        if (state.Stage == LifecycleStage.Stability && !winBack)
        {
            reasons.Add(new Reason("lifecycle.stability.kept", "stable since " + Formats.Day(state.StageSince ?? now) + "; nothing weakens the relationship"));
            return LifecycleStage.Stability;
        }
        var tenureFrom = episodeStart ?? state.FirstPurchaseAt ?? now;
        var tenure = now - tenureFrom;
        if (repeats >= options.StabilityMinRepeatPurchases && tenure >= options.StabilityTenure && pAlive >= options.StabilityPAlive)
        {
            reasons.Add(new Reason("lifecycle.stability",
                $"{repeats} repeat purchases over {Formats.Number(tenure.TotalDays, "0")} days with P(alive) {Formats.Number(pAlive, "0.00")}"));
            return LifecycleStage.Stability;
        }
        if (tenure < options.StabilityTenure)
        {
            review = Earliest(review, tenureFrom + options.StabilityTenure);
        }
        if (!winBack)
        {
            reasons.Add(new Reason("lifecycle.formation",
                $"{repeats} repeat purchase(s) over {Formats.Number(tenure.TotalDays, "0")} days; stability needs {options.StabilityMinRepeatPurchases} over {Formats.Number(options.StabilityTenure.TotalDays, "0")} days with P(alive) at least {Formats.Number(options.StabilityPAlive, "0.00")}"));
        }
        return LifecycleStage.Formation;
    }

    /// <summary>Adds a reason when a complaint has been open longer than allowed; returns when the oldest younger one will be.</summary>
    private static DateTimeOffset? UnresolvedComplaint(CustomerState state, DateTimeOffset now, LifecycleOptions options, List<Reason> declining)
    {
        OpenComplaint? oldest = null;
        foreach (var complaint in state.OpenComplaints.Values)
        {
            if (oldest is null || complaint.OpenedAt < oldest.OpenedAt)
            {
                oldest = complaint;
            }
        }
        if (oldest is null)
        {
            return null;
        }
        var due = oldest.OpenedAt + options.UnresolvedComplaintAge;
        if (now < due)
        {
            return due;
        }
        declining.Add(new Reason("lifecycle.decline.complaint",
            $"complaint {oldest.ComplaintId} ({Name(oldest.Severity)}) unresolved for {Formats.Number((now - oldest.OpenedAt).TotalDays, "0")} days" +
            (state.OpenComplaints.Count > 1 ? $", {state.OpenComplaints.Count} open in all" : "")));
        return null;
    }

    private static void SilentDissatisfaction(CustomerState state, DateTimeOffset now, LifecycleOptions options, List<Reason> declining)
    {
        foreach (var (dimension, score) in state.Experience)
        {
            if (now - score.At > options.DissatisfactionWindow)
            {
                continue;
            }
            var weighted = ExperienceGap.Weighted(score);
            if (weighted <= options.PoorWeightedGap)
            {
                declining.Add(new Reason("lifecycle.decline.poorExperience",
                    $"{Name(dimension)} experience {Formats.Number(score.Experience, "0.#")} against an expectation of {Formats.Number(score.Expectation, "0.#")} (weighted gap {Formats.Number(weighted, "0.0")}) in the survey of {Formats.Day(score.At)}"));
            }
            else if (state.PreviousExperience.TryGetValue(dimension, out var previous)
                && ExperienceGap.Weighted(previous) - weighted >= options.WorseningGapDrop)
            {
                declining.Add(new Reason("lifecycle.decline.worseningExperience",
                    $"{Name(dimension)} weighted gap fell from {Formats.Number(ExperienceGap.Weighted(previous), "0.0")} to {Formats.Number(weighted, "0.0")} in the survey of {Formats.Day(score.At)}"));
            }
        }
        if (state.LastNps is { } nps && now - nps.At <= options.DissatisfactionWindow && nps.Score <= options.DetractorNps)
        {
            declining.Add(new Reason("lifecycle.decline.detractor", $"net-promoter score {nps.Score} on {Formats.Day(nps.At)} marks a detractor"));
        }
    }

    private static LifecycleView View(CustomerState state, DateTimeOffset now, double pAlive, LifecycleStage stage, List<Reason> reasons,
        LifecycleOptions options, bool winBack, DateTimeOffset? episodeStart, bool rhythm, DateTimeOffset review)
    {
        var since = state.Stage == stage && state.StageSince is { } recorded ? recorded : now;
        double? gap = state.LastPurchaseAt is { } last ? Math.Max(0, (now - last).TotalDays) : null;
        return new LifecycleView(stage, since, reasons, Pattern(state, stage, now, options), state.Stage,
            winBack, episodeStart, pAlive, gap, rhythm, review);
    }

    /// <summary>
    /// The path's pattern: once the relationship weakens, by the active stage it weakened from (and, from
    /// stability, by how long that lasted); while stable, long stability once it has lasted long enough.
    /// </summary>
    private static LifecyclePattern? Pattern(CustomerState state, LifecycleStage stage, DateTimeOffset now, LifecycleOptions options)
    {
        var stableFor = state.Stage == LifecycleStage.Stability && state.StageSince is { } since ? now - since : (TimeSpan?)null;
        if (stage == LifecycleStage.Stability)
        {
            return stableFor >= options.LongStability ? LifecyclePattern.LongStability : null;
        }
        if (stage is not (LifecycleStage.Decline or LifecycleStage.Churned))
        {
            return null;
        }
        var from = LifecycleView.IsActive(state.Stage) ? state.Stage : state.LastActiveStage;
        if (from == LifecycleStage.Stability)
        {
            stableFor ??= state.LastStabilityDays is { } days ? TimeSpan.FromDays(days) : null;
        }
        return from switch
        {
            LifecycleStage.Exploration => LifecyclePattern.EndedInExploration,
            LifecycleStage.Formation => LifecyclePattern.EndedInFormation,
            LifecycleStage.Stability => stableFor >= options.LongStability ? LifecyclePattern.LongStability : LifecyclePattern.EarlyDeclineFromStability,
            _ => null,
        };
    }

    /// <summary>
    /// Since when the relationship has been lapsed, so that a later purchase is a win-back: the recorded
    /// decline or churn, or a cancellation made after the current relationship began.
    /// </summary>
    private static DateTimeOffset? LapseStart(CustomerState state)
    {
        DateTimeOffset? lapse = state.Stage is LifecycleStage.Decline or LifecycleStage.Churned ? state.StageSince : null;
        if (state.Cancellation is { } c && !(state.EpisodeStartedAt >= c.At) && !(lapse >= c.At))
        {
            lapse = c.At;
        }
        return lapse;
    }

    private static DateTimeOffset FirstPurchaseDayAfter(List<PurchaseDay> days, DateTimeOffset moment)
    {
        var momentDay = DateOnly.FromDateTime(moment.UtcDateTime);
        var i = FirstIndexOnOrAfter(days, momentDay);
        // Days are the unit of purchase history: a purchase on the lapse's own day opens the new relationship.
        var day = i < days.Count ? days[i].Day : momentDay;
        return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    private static int FirstIndexOnOrAfter(List<PurchaseDay> days, DateOnly day)
    {
        int lo = 0, hi = days.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (days[mid].Day < day)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset? b) => b is { } value && value < a ? value : a;

    private static string Name<T>(T value) where T : struct, Enum => Events.EnumNames.Of(value);
}
