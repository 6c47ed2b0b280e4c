using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Decisions;

/// <summary>
/// Computes the tiered service decision from the live state and its evaluations (value, lifecycle, needs)
/// under a policy. Pure: the same inputs give the same decision. The rules:
/// <list type="bullet">
/// <item>Service: the tier's service level and routing priority, raised for a mood whose script asks for it and for open
/// complaints; before the population is measured a profitable customer has no tier and is served as the policy's
/// <see cref="UncalibratedPolicy.ServeAsTier"/>, high value then judged by net value alone.</item>
/// <item>Treatment: the recovery script of the mood noted at the last contact while recent, unless a complaint was
/// resolved to the customer's satisfaction since; for open complaints an apology, and compensation up to the tier's
/// limit from the policy's severity on. A firm script (secretly pleased) holds compensation to the rules, never
/// escalated, and has the supervisor informed; the engine applies it itself when the complaint history shows the
/// pattern (repeated compensated complaints, a complaint rate far above the population's).</item>
/// <item>Actions: retention (declining, or in touch to cancel, or a subscriber at high churn risk, and of a valuable tier), win-back (churned and past
/// net spend shows they were valuable), cross-sell (stable, by category affinity), care by tier, and the birthday
/// within the policy's days. A marketing action needs the customer's consent for its channel, else it is withheld.</item>
/// <item>Channel: the contact's channel may serve the tier at another service level (an e-mail answer within hours rather than a
/// senior agent on the line), raise the routing priority and hold action kinds back in a contact on it, as the policy's
/// channel rules say.</item>
/// <item>Marketing mode from value x individuality; selection quadrant from value x capability match.</item>
/// </list>
/// </summary>
public static class DecisionEngine
{
    public static Decision Decide(CustomerState state, ValueView value, LifecycleView lifecycle, NeedProfileView needs, DecisionContext context, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        // Before the population is measured a profitable customer has no tier: the policy names the tier they are served as.
        var tierName = value.Tier == ValueView.Uncalibrated ? policy.Uncalibrated.ServeAsTier : value.Tier;
        if (!policy.Tiers.TryGetValue(tierName, out var tier))
        {
            throw new ArgumentException($"Tier '{tierName}' is not one of the policy's tiers ({string.Join(", ", policy.Tiers.Keys)}).", nameof(value));
        }

        // Both matrices and retention split on the same value judgement: made once, its reason shared.
        var (high, valueReason) = HighValue(value, policy);
        var marketing = Market(needs, policy, high, valueReason);
        var selection = Select(needs, policy, high, valueReason);
        var cells = new MatrixCells(policy.Matrices, marketing.Mode, selection.Quadrant);
        var treatment = Treat(state, value, tier, context.Now, policy, cells, out var emotionBoost);
        var contact = policy.Channels.GetValueOrDefault(context.Channel) ?? ChannelPolicy.Neutral;
        var service = Serve(state, value, tierName, tier, policy, emotionBoost, (context.Channel, contact));
        var actions = new List<NextAction>(4);
        var withheld = new List<WithheldAction>(0);
        var held = new List<WithheldAction>(0);
        var offers = new Offers(state, context.Now, actions, withheld, held, cells, (context.Channel, contact));
        ProposeActions(state, value, lifecycle, needs, context, policy, tierName, tier, (high, valueReason), offers);
        return new Decision(state.CustomerId, context.Now, policy.Version, lifecycle.Stage, service, treatment, actions, withheld,
            marketing, selection)
        {
            HeldBack = held,
            Channel = context.Channel,
        };
    }

    private static ServiceDecision Serve(CustomerState state, ValueView value, string tierName, TierPolicy tier, Policy policy, int emotionBoost,
        (Channel Name, ChannelPolicy Policy) channel)
    {
        var priority = tier.RoutingPriority;
        var level = tier.ServiceLevel;
        var reasons = new List<Reason>(4);
        if (value.Tier == ValueView.Uncalibrated)
        {
            reasons.Add(new Reason("service.uncalibrated",
                $"tier uncalibrated: the customer population has not been measured yet, so a profitable customer (net value {Formats.Money(Math.Round(value.NetValue, 2))}) is served as tier {tierName} by the policy"));
        }
        reasons.Add(new("service.tier", $"tier {tierName} ({tier.DisplayName}): {tier.ServiceLevel}, routing priority {tier.RoutingPriority}"));
        var channelName = EnumNames.Of(channel.Name);
        if (channel.Policy.ServiceLevels.TryGetValue(tierName, out var onChannel) && onChannel != level)
        {
            level = onChannel;
            reasons.Add(new Reason("service.channel", $"in touch by {channelName}: tier {tierName} is served as {onChannel} on this channel"));
        }
        if (channel.Policy.PriorityBoost > 0)
        {
            priority = Math.Max(1, priority - channel.Policy.PriorityBoost);
            reasons.Add(new Reason("service.channel.priority", $"in touch by {channelName}: the channel raises the priority by {channel.Policy.PriorityBoost} to {priority}"));
        }
        if (emotionBoost > 0)
        {
            priority = Math.Max(1, priority - emotionBoost);
            reasons.Add(new Reason("service.emotion", $"the mood at the last contact raises the priority by {emotionBoost} to {priority}"));
        }
        if (state.OpenComplaints.Count > 0 && policy.Complaints.PriorityBoost > 0)
        {
            priority = Math.Max(1, priority - policy.Complaints.PriorityBoost);
            reasons.Add(new Reason("service.complaint", $"an open complaint raises the priority by {policy.Complaints.PriorityBoost} to {priority}"));
        }
        return new ServiceDecision(tierName, tier.DisplayName, level, priority, reasons);
    }

    private static Treatment Treat(CustomerState state, ValueView value, TierPolicy tier, DateTimeOffset now, Policy policy, MatrixCells cells, out int emotionBoost)
    {
        var reasons = new List<Reason>(3);
        string? script = null;
        Emotion? emotion = null;
        RecoveryScript? recoveryUsed = null;
        emotionBoost = 0;
        if (state.LastEmotion is { } mood)
        {
            var name = EnumNames.Of(mood.Emotion);
            var age = Math.Max(0, (now - mood.At).TotalDays);
            if (age > policy.Recovery.MaxAgeDays)
            {
                reasons.Add(new Reason("treatment.emotion.stale", $"the last noted mood ({name}, {Formats.Number(age, "0")} days ago) is older than {policy.Recovery.MaxAgeDays} days"));
            }
            else if (state.LastComplaintResolution is { Satisfied: true } resolution && resolution.At > mood.At)
            {
                reasons.Add(new Reason("treatment.emotion.recovered",
                    $"a complaint was resolved to the customer's satisfaction on {Formats.Day(resolution.At)}, after the {name} contact"));
            }
            else if (!policy.Recovery.Scripts.TryGetValue(mood.Emotion, out var recovery))
            {
                reasons.Add(new Reason("treatment.emotion.noScript", $"marked {name}, but the policy has no script for it"));
            }
            else
            {
                script = recovery.Script;
                emotion = mood.Emotion;
                emotionBoost = recovery.PriorityBoost;
                recoveryUsed = recovery;
                reasons.Add(new Reason("treatment.emotion." + name,
                    $"marked {name} on {EnumNames.Of(mood.Channel)} {Formats.Number(age, "0")} day(s) ago: use the script {script}"));
            }
        }

        var patterns = ComplaintPatterns(state, value, now, policy.Recovery.Pattern, reasons);
        if (patterns.Count > 0 && policy.Recovery.Scripts.TryGetValue(Emotion.SecretlyPleased, out var firmScript))
        {
            // Nobody noted the mood (or another one): the pattern alone warns the agent and calls for the firm measures.
            if (recoveryUsed is null)
            {
                script = firmScript.Script;
                reasons.Add(new Reason("treatment.pattern.script", $"no current mood script: use the {EnumNames.Of(Emotion.SecretlyPleased)} script {script} for the pattern"));
            }
            recoveryUsed = recoveryUsed is { Firm: true } ? recoveryUsed : firmScript;
        }
        var firm = recoveryUsed?.Firm == true;
        var informSupervisor = recoveryUsed?.InformSupervisor == true;
        if (informSupervisor)
        {
            reasons.Add(new Reason("treatment.supervisor", "inform the supervisor of this contact"));
        }

        var apologise = false;
        var compensate = false;
        var limit = tier.CompensationLimit;
        OpenComplaint? oldest = null, gravest = null;
        foreach (var complaint in state.OpenComplaints.Values)
        {
            if (oldest is null || complaint.OpenedAt < oldest.OpenedAt)
            {
                oldest = complaint;
            }
            if (gravest is null || complaint.Severity > gravest.Severity)
            {
                gravest = complaint;
            }
        }
        if (oldest is not null && gravest is not null)
        {
            apologise = policy.Complaints.Apologise;
            reasons.Add(new Reason(apologise ? "treatment.apology" : "treatment.complaint",
                $"{state.OpenComplaints.Count} open complaint(s); the oldest, {oldest.ComplaintId}, open for {Formats.Number(Math.Max(0, (now - oldest.OpenedAt).TotalDays), "0")} day(s)"
                + (apologise ? ": apologise" : "")));
            if (gravest.Severity < policy.Complaints.CompensationMinSeverity)
            {
                reasons.Add(new Reason("treatment.compensation.severity",
                    $"no compensation: the gravest open complaint is {EnumNames.Of(gravest.Severity)}, below {EnumNames.Of(policy.Complaints.CompensationMinSeverity)}"));
            }
            else if (tier.CompensationLimit <= 0)
            {
                reasons.Add(new Reason("treatment.compensation.tier", $"no compensation: tier {tier.DisplayName} has no compensation budget"));
            }
            else
            {
                compensate = true;
                reasons.Add(new Reason("treatment.compensation",
                    $"complaint {gravest.ComplaintId} is {EnumNames.Of(gravest.Severity)}: compensation up to {Formats.Money(tier.CompensationLimit)} ({tier.DisplayName})"));
                if (cells.CompensationCap() is { } cap && cap.Amount < limit)
                {
                    limit = cap.Amount;
                    compensate = cap.Amount > 0;
                    reasons.Add(new Reason("matrix.compensation", compensate
                        ? $"the {cap.Cell} holds compensation to the policy floor of {Formats.Money(cap.Amount)}"
                        : $"no compensation: the {cap.Cell} holds compensation to the policy floor of {Formats.Money(0)}"));
                }
            }
        }
        if (firm)
        {
            reasons.Add(new Reason("treatment.firm", compensate
                ? $"firm measures, by the policy: compensation no higher than {Formats.Money(limit)}, no escalation and nothing beyond the complaint rules"
                : "firm measures, by the policy: no compensation beyond the complaint rules, no escalation"));
        }
        return new Treatment(script, emotion, apologise, compensate, compensate ? limit : 0, reasons)
        {
            Firm = firm,
            InformSupervisor = informSupervisor,
            Patterns = patterns,
        };
    }

    /// <summary>
    /// The complaint patterns of a customer who may gain from complaining: repeated complaints resolved with compensation
    /// within the policy's window, and a complaint rate far above the population's (once it is measured).
    /// </summary>
    private static List<string> ComplaintPatterns(CustomerState state, ValueView value, DateTimeOffset now, ComplaintPattern pattern, List<Reason> reasons)
    {
        var found = new List<string>(0);
        var since = now.AddDays(-pattern.WithinDays);
        var compensated = 0;
        foreach (var at in state.CompensatedResolutions)
        {
            if (at >= since && at <= now)
            {
                compensated++;
            }
        }
        if (compensated >= pattern.CompensatedComplaints)
        {
            found.Add("repeatedCompensation");
            reasons.Add(new Reason("treatment.pattern.repeatedCompensation",
                $"{compensated} complaints ended in compensation in the last {pattern.WithinDays} days (flagged from {pattern.CompensatedComplaints}): possibly secretly pleased, whatever mood was noted"));
        }
        if (value.PeerComplaintsPerYear is { } peers && state.ComplaintCount >= pattern.MinComplaints)
        {
            var own = Value.ComplaintRate.PerYear(state.ComplaintCount, state.FirstEventAt, now);
            if (own >= peers * pattern.RateAbovePeers)
            {
                found.Add("complaintRateAbovePeers");
                reasons.Add(new Reason("treatment.pattern.complaintRate",
                    $"{Formats.Number(own, "0.0")} complaints a year against {Formats.Number(peers, "0.00")} for the customer population ({Formats.Number(pattern.RateAbovePeers, "0.#")} times or more flags it)"));
            }
        }
        return found;
    }

    private static void ProposeActions(CustomerState state, ValueView value, LifecycleView lifecycle, NeedProfileView needs,
        DecisionContext context, Policy policy, string tierName, TierPolicy tier, (bool High, Reason Why) worth, Offers offers)
    {
        var stage = lifecycle.Stage;
        var retention = policy.Retention;
        // The policy lists the valuable tiers (uncalibrated, the tier served as); uncalibrated, the net value alone may also say so.
        var listed = retention.Tiers.Contains(tierName);
        var retainedBy = offers.Cells.Retaining();
        var valuable = listed || retainedBy is not null || (!value.IsCalibrated && worth.High);
        var why = listed ? $"tier {tierName} is valuable"
            : retainedBy is not null ? $"the {retainedBy} is worth retaining whatever the tier"
            : worth.Why.Text;
        if (valuable)
        {
            if (stage == LifecycleStage.Decline)
            {
                offers.Add(ActionKind.Retention, retention.Action, retention.Channel, Budget.Fixed(retention.Budget), null,
                    new Reason("action.retention", $"declining ({FirstRule(lifecycle)}) and {why}"));
            }
            else if (stage != LifecycleStage.Churned && IsListed(context.Reason, retention.ContactReasons))
            {
                offers.Add(ActionKind.Retention, retention.Action, retention.Channel, Budget.Fixed(retention.Budget), null,
                    new Reason("action.retention.contactReason", $"in touch to '{context.Reason}' and {why}"));
            }
            else if (stage != LifecycleStage.Churned && value.Contract is { HighRisk: true } contract)
            {
                offers.Add(ActionKind.Retention, retention.Action, retention.Channel, Budget.Fixed(retention.Budget), null,
                    new Reason("action.retention.churnRisk",
                        $"subscriber with a churn risk of {Formats.Number(contract.ChurnRisk, "P0")} (from {Formats.Number(contract.HighRiskFrom, "P0")} on) and {why}"));
            }
        }

        if (stage == LifecycleStage.Churned && state.NetSpend >= policy.WinBack.MinPastNetSpend)
        {
            offers.Add(ActionKind.WinBack, policy.WinBack.Action, policy.WinBack.Channel, Budget.Fixed(policy.WinBack.Budget), null,
                new Reason("action.winBack", $"churned after a net spend of {Formats.Money(state.NetSpend)} (valuable from {Formats.Money(policy.WinBack.MinPastNetSpend)})"));
        }

        if (stage == LifecycleStage.Stability)
        {
            var crossSell = policy.CrossSell;
            var offered = 0;
            foreach (var affinity in needs.Categories)
            {
                if (offered == crossSell.MaxCategories || affinity.Share < crossSell.MinAffinityShare)
                {
                    break;
                }
                offers.Add(ActionKind.CrossSell, crossSell.Action, crossSell.Channel, Budget.Fixed(0), affinity.Category,
                    new Reason("action.crossSell", $"stable, and {Formats.Number(affinity.Share, "P0")} of the category interest is in {affinity.Category}"));
                offered++;
            }
        }

        var zone = needs.Zone ?? LocalZone.Of(state, policy.Calendar);
        var active = LifecycleView.IsActive(stage) || stage == LifecycleStage.Decline;
        if (active && tier.Care is { } care && Occasion(care, zone, context.Now, policy.Calendar) is var (due, occasion, when) && due)
        {
            offers.Add(ActionKind.Care, care.Action, care.Channel, new Budget(care.Budget, care.PeriodDays, care.MinIntervalDays), null,
                new Reason("action.care", $"tier {tierName} ({tier.DisplayName}) care: {care.Action}{when} within {Formats.Money(care.Budget)} per {care.PeriodDays} days"),
                occasion);
        }

        if (stage != LifecycleStage.Churned && state.Birthday is { } birthday && DaysToBirthday(birthday.Value, context.Now, zone.Zone()) is var days
            && days <= policy.Birthday.WithinDays)
        {
            offers.Add(ActionKind.Birthday, policy.Birthday.Action, policy.Birthday.Channel, new Budget(tier.BirthdayBudget, 365, policy.Birthday.MinIntervalDays), null,
                new Reason("action.birthday", (days == 0 ? "birthday today" : $"birthday in {days} day(s)") + $" ({zone.TimeZone} time): within {Formats.Money(tier.BirthdayBudget)}"),
                "birthday");
        }
    }

    /// <summary>Whether a care action is due now: always for one of any time; before a holiday of the customer's region within the calendar's days.</summary>
    private static (bool Due, string? Occasion, string When) Occasion(CarePolicy care, LocalZone zone, DateTimeOffset now, CalendarPolicy calendar)
    {
        if (care.Occasion == CareOccasion.Anytime)
        {
            return (true, null, "");
        }
        if (calendar.NextHoliday(zone.Region, zone.Today(now)) is { } next && next.Days <= calendar.WithinDays)
        {
            var when = next.Days == 0 ? "today" : $"in {next.Days} day(s)";
            return (true, next.Holiday.Name, $" for {next.Holiday.Name} {when} ({zone.Region} holiday calendar, {zone.TimeZone} time)");
        }
        return (false, null, "");
    }

    private static MarketingDecision Market(NeedProfileView needs, Policy policy, bool high, Reason valueReason)
    {
        var reasons = new List<Reason>(2) { valueReason };
        bool individual;
        if (needs.Individuality is { } individuality)
        {
            individual = individuality >= policy.Marketing.HighIndividuality;
            reasons.Add(new Reason("marketing.individuality",
                $"individuality {Formats.Number(individuality, "0.00")} is {(individual ? "high" : "low")} (high from {Formats.Number(policy.Marketing.HighIndividuality, "0.00")})"));
        }
        else
        {
            individual = false;
            reasons.Add(new Reason("marketing.individuality.unknown", "individuality unknown (no segment average): taken as low"));
        }
        var mode = (high, individual) switch
        {
            (true, true) => MarketingMode.Customised,
            (true, false) => MarketingMode.Frequency,
            (false, false) => MarketingMode.Mass,
            _ => MarketingMode.Abandon,
        };
        return new MarketingDecision(mode, reasons);
    }

    private static SelectionDecision Select(NeedProfileView needs, Policy policy, bool high, Reason valueReason)
    {
        var reasons = new List<Reason>(2) { valueReason };
        var capabilities = policy.Capabilities;
        var parts = 0;
        var match = 0d;
        if (needs.Categories.Count > 0)
        {
            var served = 0d;
            var all = 0d;
            foreach (var affinity in needs.Categories)
            {
                all += affinity.Share;
                if (IsListed(affinity.Category, capabilities.Categories))
                {
                    served += affinity.Share;
                }
            }
            match += served / all;
            parts++;
        }
        if (needs.ChannelShares.Count > 0)
        {
            foreach (var channel in capabilities.Channels)
            {
                match += needs.ChannelShares.GetValueOrDefault(channel);
            }
            parts++;
        }
        match = parts > 0 ? match / parts : 0;
        var good = match >= capabilities.GoodMatch;
        reasons.Add(parts > 0
            ? new Reason("selection.match", $"{Formats.Number(match, "P0")} of the customer's category interest and channel use is served well ({(good ? "good" : "poor")} from {Formats.Number(capabilities.GoodMatch, "P0")})")
            : new Reason("selection.match.unknown", "no category or channel needs known yet: taken as a poor match"));
        var quadrant = (high, good) switch
        {
            (true, true) => SelectionQuadrant.Focus,
            (true, false) => SelectionQuadrant.Opportunistic,
            (false, true) => SelectionQuadrant.Passive,
            _ => SelectionQuadrant.Abandon,
        };
        return new SelectionDecision(quadrant, match, reasons);
    }

    private static (bool High, Reason Why) HighValue(ValueView value, Policy policy)
    {
        if (value.NetValuePercentile is { } percentile)
        {
            var high = percentile >= policy.Marketing.HighValuePercentile;
            return (high, new Reason("value.percentile",
                $"net value percentile {Formats.Number(percentile, "0.00")} is {(high ? "high" : "low")} (high from {Formats.Number(policy.Marketing.HighValuePercentile, "0.00")})"));
        }
        const string Uncalibrated = "net value percentile uncalibrated (the customer population has not been measured yet)";
        var netValue = Formats.Money(Math.Round(value.NetValue, 2));
        if (policy.Uncalibrated.HighNetValue is not { } floor)
        {
            return (false, new Reason("value.uncalibrated", $"{Uncalibrated}: net value {netValue} taken as low value (the policy sets no net value that counts as high)"));
        }
        var above = value.NetValue >= floor;
        return (above, new Reason("value.uncalibrated",
            $"{Uncalibrated}: net value {netValue} is {(above ? "high" : "low")} value (high from a net value of {Formats.Money(floor)} until measured)"));
    }

    /// <summary>Days from <paramref name="now"/>'s UTC day to the next birthday (0 on the day); 29 February is kept on 28 February in other years.</summary>
    public static int DaysToBirthday(DateOnly birthday, DateTimeOffset now) => DaysToBirthday(birthday, now, TimeZoneInfo.Utc);

    /// <summary>Days from <paramref name="now"/>'s day in <paramref name="zone"/> (the customer's) to the next birthday (0 on the day).</summary>
    public static int DaysToBirthday(DateOnly birthday, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var next = InYear(birthday, today.Year);
        if (next < today)
        {
            next = InYear(birthday, today.Year + 1);
        }
        return next.DayNumber - today.DayNumber;
    }

    private static DateOnly InYear(DateOnly birthday, int year) =>
        new(year, birthday.Month, Math.Min(birthday.Day, DateTime.DaysInMonth(year, birthday.Month)));

    internal static bool IsListed(string? text, System.Collections.Immutable.ImmutableArray<string> list)
    {
        if (text is null)
        {
            return false;
        }
        foreach (var item in list)
        {
            if (string.Equals(item, text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static string FirstRule(LifecycleView lifecycle) => lifecycle.Reasons.Count > 0 ? lifecycle.Reasons[0].Text : "declining";

    /// <summary>
    /// Adds an action unless the customer's matrix cells hold it back (recorded as held back with the reason), when the
    /// customer consented to its channel, else records it as withheld with the reason.
    /// </summary>
    private readonly struct Offers(CustomerState state, DateTimeOffset now, List<NextAction> actions, List<WithheldAction> withheld, List<WithheldAction> held, MatrixCells cells,
        (Channel Name, ChannelPolicy Policy) contact)
    {
        public MatrixCells Cells => cells;

        public void Add(ActionKind kind, string action, ConsentChannel channel, Budget budget, string? category, Reason why, string? occasion = null)
        {
            var amount = budget.Amount;
            Reason? left = null;
            if (contact.Policy.Hold.Contains(kind))
            {
                held.Add(new WithheldAction(kind, action, channel, category,
                    [why, new Reason("channel.hold", $"held back: no {EnumNames.Of(kind)} offer in a contact by {EnumNames.Of(contact.Name)} (the policy's channel rules)")]));
                return;
            }
            if (cells.Holding(kind) is { } cell)
            {
                held.Add(new WithheldAction(kind, action, channel, category,
                    [why, new Reason("matrix.hold", $"held back: the {cell} makes no {EnumNames.Of(kind)} offer")]));
                return;
            }
            if (budget.PeriodDays is { } period)
            {
                var since = now.AddDays(-period);
                var (spent, last) = state.OffersOf(kind, action, since, now);
                amount = budget.Amount - spent;
                if (spent > 0 && amount <= 0)
                {
                    held.Add(new WithheldAction(kind, action, channel, category, [why, new Reason("budget.spent",
                        $"held back: the budget of {Formats.Money(budget.Amount)} per {period} days is spent ({Formats.Money(spent)} in accepted offers since {Formats.Day(since)})")]));
                    return;
                }
                if (last is { } at && (now - at).TotalDays < budget.MinIntervalDays)
                {
                    held.Add(new WithheldAction(kind, action, channel, category, [why, new Reason("budget.interval",
                        $"held back: last offered on {Formats.Day(at)}; not again before {Formats.Day(at.AddDays(budget.MinIntervalDays))} (at least {budget.MinIntervalDays} days apart)")]));
                    return;
                }
                if (spent > 0)
                {
                    left = new Reason("budget.remaining", $"{Formats.Money(amount)} of the {Formats.Money(budget.Amount)} budget per {period} days left ({Formats.Money(spent)} spent)");
                }
            }
            var purpose = kind.PurposeOf();
            if (state.ConsentFor(channel, purpose) is { Granted: true } consent)
            {
                var personalisedBy = cells.Personalising();
                List<Reason> reasons = [why, new Reason("consent.granted",
                    $"consented to {EnumNames.Of(channel)} for {EnumNames.Of(purpose)} on {Formats.Day(consent.At)}{(consent.Source is { } source ? $" ({source})" : "")}")];
                if (left is not null)
                {
                    reasons.Add(left);
                }
                if (personalisedBy is not null)
                {
                    reasons.Add(new Reason("matrix.personalised", $"personalise it to the customer's own needs ({personalisedBy})"));
                }
                actions.Add(new NextAction(kind, action, channel, amount, category, reasons) { Personalised = personalisedBy is not null, Occasion = occasion });
            }
            else
            {
                withheld.Add(new WithheldAction(kind, action, channel, category,
                    [why, new Reason("consent.missing", state.ConsentFor(channel, purpose) is { } withdrawn
                        ? $"withheld: consent to {EnumNames.Of(channel)} for {EnumNames.Of(purpose)} withdrawn on {Formats.Day(withdrawn.At)}{(withdrawn.Source is { } from ? $" ({from})" : "")}"
                        : $"withheld: no consent to {EnumNames.Of(channel)} for {EnumNames.Of(purpose)}")]));
            }
        }
    }

    /// <summary>The customer's two cells of the policy's matrices: what they hold back, cap, retain and personalise.</summary>
    private readonly struct MatrixCells(MatrixPolicy matrices, MarketingMode mode, SelectionQuadrant quadrant)
    {
        private MatrixCell Mode => matrices.Modes.GetValueOrDefault(mode) ?? MatrixCell.Neutral;

        private MatrixCell Quadrant => matrices.Quadrants.GetValueOrDefault(quadrant) ?? MatrixCell.Neutral;

        private string ModeName => $"marketing mode {EnumNames.Of(mode)}";

        private string QuadrantName => $"selection quadrant {EnumNames.Of(quadrant)}";

        /// <summary>The cell that holds back offers of <paramref name="kind"/>, null when neither does.</summary>
        public string? Holding(ActionKind kind) =>
            Mode.Hold.Contains(kind) ? ModeName : Quadrant.Hold.Contains(kind) ? QuadrantName : null;

        /// <summary>The lower compensation cap of the two cells and the cell that sets it, null when neither caps it.</summary>
        public (decimal Amount, string Cell)? CompensationCap() => (Mode.CompensationCap, Quadrant.CompensationCap) switch
        {
            ({ } m, { } q) => m <= q ? (m, ModeName) : (q, QuadrantName),
            ({ } m, null) => (m, ModeName),
            (null, { } q) => (q, QuadrantName),
            _ => null,
        };

        public string? Retaining() => Mode.Retain ? ModeName : Quadrant.Retain ? QuadrantName : null;

        public string? Personalising() => Mode.Personalised ? ModeName : Quadrant.Personalised ? QuadrantName : null;
    }

    /// <summary>What an action may spend: a fixed amount, or a budget per period of days spent by accepted offers, with the least days between two offers.</summary>
    private readonly record struct Budget(decimal Amount, int? PeriodDays, int MinIntervalDays)
    {
        public static Budget Fixed(decimal amount) => new(amount, null, 0);
    }
}
