using System.Collections.ObjectModel;
using System.Text.Json.Serialization;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;

namespace CustomerGrains.Domain.State;

/// <summary>
/// Everything the engine knows about one customer, built by applying interaction events.
/// Applying is deterministic and independent of arrival order where order matters (applying each event once is
/// the caller's duty: the customer grain applies the log's events by their gap-free per-customer sequence number): purchase statistics are kept per day so a late event lands on the right day, and "latest"
/// facts (mood, profile fields, survey scores) keep their event time so an older event never overwrites
/// a newer one. The value, lifecycle and need models read these facts as sufficient statistics.
/// </summary>
public sealed class CustomerState : IJsonOnDeserialized
{
    [JsonConstructor]
    private CustomerState() => CustomerId = "";

    public CustomerState(string customerId) => CustomerId = customerId;

    [JsonInclude] public string CustomerId { get; private set; }

    /// <summary>The number of events applied. The state keeps aggregates, not the events: the log holds the history.</summary>
    [JsonInclude] public int AppliedEvents { get; private set; }
    [JsonInclude] public DateTimeOffset? FirstEventAt { get; private set; }
    [JsonInclude] public DateTimeOffset? LastEventAt { get; private set; }

    [JsonInclude] public List<PurchaseDay> PurchaseDays { get; private set; } = [];

    /// <summary>
    /// The net (gross less returned) of all <see cref="PurchaseDays"/>, kept in step with them so that the value
    /// inputs read it in O(1). Not stored: it is summed again when a state is loaded.
    /// </summary>
    [JsonIgnore] public decimal PurchaseDaysNet { get; private set; }
    [JsonIgnore] public IReadOnlyDictionary<string, OrderFact> Orders => (IReadOnlyDictionary<string, OrderFact>?)orders ?? ReadOnlyDictionary<string, OrderFact>.Empty;
    [JsonInclude] private Dictionary<string, OrderFact>? orders;
    [JsonInclude] public DateTimeOffset? FirstPurchaseAt { get; private set; }
    [JsonInclude] public DateTimeOffset? LastPurchaseAt { get; private set; }
    [JsonInclude] public int PurchaseCount { get; private set; }
    [JsonInclude] public decimal GrossSpend { get; private set; }
    [JsonInclude] public decimal ReturnedAmount { get; private set; }
    [JsonInclude] public int ReturnCount { get; private set; }
    /// <summary>
    /// The currency every amount of this state is counted in: the base currency the first counted amount was converted to
    /// (for events logged before conversions, the first purchase's own currency).
    /// </summary>
    [JsonInclude] public string? Currency { get; private set; }

    /// <summary>
    /// Net amounts (purchases less refunds) per currency that could not be counted in <see cref="Currency"/>: events logged
    /// without a conversion in another currency, or converted to another base currency. Never summed as if they were one.
    /// </summary>
    [JsonIgnore] public IReadOnlyDictionary<string, decimal> Uncounted => (IReadOnlyDictionary<string, decimal>?)uncounted ?? ReadOnlyDictionary<string, decimal>.Empty;
    [JsonInclude] private Dictionary<string, decimal>? uncounted;

    [JsonIgnore] public IReadOnlyDictionary<Channel, ChannelContacts> Contacts => (IReadOnlyDictionary<Channel, ChannelContacts>?)contacts ?? ReadOnlyDictionary<Channel, ChannelContacts>.Empty;
    [JsonInclude] private Dictionary<Channel, ChannelContacts>? contacts;
    [JsonInclude] public EmotionNote? LastEmotion { get; private set; }
    [JsonIgnore] public IReadOnlyDictionary<string, OpenComplaint> OpenComplaints => (IReadOnlyDictionary<string, OpenComplaint>?)openComplaints ?? ReadOnlyDictionary<string, OpenComplaint>.Empty;
    [JsonInclude] private Dictionary<string, OpenComplaint>? openComplaints;
    [JsonIgnore] public IReadOnlyDictionary<string, ResolvedComplaint> ResolvedComplaints => (IReadOnlyDictionary<string, ResolvedComplaint>?)resolvedComplaints ?? ReadOnlyDictionary<string, ResolvedComplaint>.Empty;
    [JsonInclude] private Dictionary<string, ResolvedComplaint>? resolvedComplaints;
    [JsonInclude] public int ComplaintCount { get; private set; }

    /// <summary>How many of the latest compensated complaint resolutions <see cref="CompensatedResolutions"/> keeps.</summary>
    public const int CompensatedResolutionLimit = 20;

    /// <summary>When complaints were resolved with compensation, oldest first, at most <see cref="CompensatedResolutionLimit"/> (the latest).</summary>
    [JsonIgnore] public IReadOnlyList<DateTimeOffset> CompensatedResolutions => (IReadOnlyList<DateTimeOffset>?)compensatedResolutions ?? [];
    [JsonInclude] private List<DateTimeOffset>? compensatedResolutions;

    [JsonIgnore] public IReadOnlyDictionary<EngagementKind, int> Engagements => (IReadOnlyDictionary<EngagementKind, int>?)engagements ?? ReadOnlyDictionary<EngagementKind, int>.Empty;
    [JsonInclude] private Dictionary<EngagementKind, int>? engagements;
    [JsonInclude] public DateTimeOffset? LastEngagementAt { get; private set; }
    [JsonIgnore] public IReadOnlyDictionary<ExperienceDimension, DimensionScore> Experience => (IReadOnlyDictionary<ExperienceDimension, DimensionScore>?)experience ?? ReadOnlyDictionary<ExperienceDimension, DimensionScore>.Empty;
    [JsonInclude] private Dictionary<ExperienceDimension, DimensionScore>? experience;
    [JsonInclude] public NpsNote? LastNps { get; private set; }

    [JsonInclude] public Stamped<string>? Name { get; private set; }
    [JsonInclude] public Stamped<List<string>>? Phones { get; private set; }
    [JsonInclude] public Stamped<string>? Email { get; private set; }
    [JsonInclude] public Stamped<DateOnly>? Birthday { get; private set; }
    /// <summary>The latest consent statement per channel that holds for every purpose.</summary>
    [JsonIgnore] public IReadOnlyDictionary<ConsentChannel, ConsentNote> Consents => (IReadOnlyDictionary<ConsentChannel, ConsentNote>?)consents ?? ReadOnlyDictionary<ConsentChannel, ConsentNote>.Empty;
    [JsonInclude] private Dictionary<ConsentChannel, ConsentNote>? consents;

    /// <summary>The latest consent statement per channel and purpose; a newer statement in <see cref="Consents"/> overrides it.</summary>
    [JsonIgnore] public IReadOnlyDictionary<ConsentChannel, Dictionary<ConsentPurpose, ConsentNote>> PurposeConsents => (IReadOnlyDictionary<ConsentChannel, Dictionary<ConsentPurpose, ConsentNote>>?)purposeConsents ?? ReadOnlyDictionary<ConsentChannel, Dictionary<ConsentPurpose, ConsentNote>>.Empty;
    [JsonInclude] private Dictionary<ConsentChannel, Dictionary<ConsentPurpose, ConsentNote>>? purposeConsents;
    [JsonIgnore] public IReadOnlyDictionary<string, StatedPreference> Preferences => (IReadOnlyDictionary<string, StatedPreference>?)preferences ?? ReadOnlyDictionary<string, StatedPreference>.Empty;
    [JsonInclude] private Dictionary<string, StatedPreference>? preferences;
    [JsonInclude] public CancellationNote? Cancellation { get; private set; }

    /// <summary>The customer's own time zone (IANA id) as the profile last stated it.</summary>
    [JsonInclude] public Stamped<string>? TimeZone { get; private set; }

    /// <summary>How many offers <see cref="Offers"/> keeps (the earliest made are dropped first).</summary>
    public const int OfferLimit = 100;

    /// <summary>Offers made under next best actions by offer id, at most <see cref="OfferLimit"/>: the budgets they spent and when they were made.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, OfferFact> Offers => (IReadOnlyDictionary<string, OfferFact>?)offers ?? ReadOnlyDictionary<string, OfferFact>.Empty;
    [JsonInclude] private Dictionary<string, OfferFact>? offers;

    /// <summary>Subscriptions (contracts) by subscription id, at most <see cref="SubscriptionFacts.Limit"/>: what makes the customer contractual.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, SubscriptionFact> Subscriptions => (IReadOnlyDictionary<string, SubscriptionFact>?)subscriptions ?? ReadOnlyDictionary<string, SubscriptionFact>.Empty;
    [JsonInclude] private Dictionary<string, SubscriptionFact>? subscriptions;

    // Need statistics: sufficient statistics of the need profile, each updated in O(1) per event.

    /// <summary>How fast category affinity fades: a purchase counts half as much after this long. Changing it needs a replay.</summary>
    public static readonly TimeSpan CategoryHalfLife = TimeSpan.FromDays(90);

    /// <summary>Affinity weight of one order line (a purchase is the strongest signal of interest).</summary>
    public const double PurchaseLineAffinity = 1.0;

    /// <summary>Affinity weight of a visit or open in a category (browsing is a weaker signal than buying).</summary>
    public const double EngagementAffinity = 0.25;

    /// <summary>How many lifecycle transitions <see cref="StageHistory"/> keeps (the oldest are dropped).</summary>
    public const int StageHistoryLimit = 20;

    /// <summary>Contacts and engagements per hour of day (UTC, index 0-23): when the customer can be reached.</summary>
    [JsonIgnore] public IReadOnlyList<int> ContactHours => (IReadOnlyList<int>?)contactHours ?? NoContacts24;
    [JsonInclude] private int[]? contactHours;

    /// <summary>Contacts and engagements per weekday (index = <see cref="DayOfWeek"/>, Sunday = 0).</summary>
    [JsonIgnore] public IReadOnlyList<int> ContactWeekdays => (IReadOnlyList<int>?)contactWeekdays ?? NoContacts7;
    [JsonInclude] private int[]? contactWeekdays;

    private static readonly int[] NoContacts24 = new int[24];
    private static readonly int[] NoContacts7 = new int[7];

    /// <summary>How many contact times <see cref="ContactMinutes"/> keeps (the earliest are dropped first).</summary>
    public const int ContactTimeLimit = 200;

    /// <summary>
    /// The instants of the latest contacts and engagements, as minutes since <see cref="ContactEpoch"/>, earliest first, at most
    /// <see cref="ContactTimeLimit"/>: the need profile reads each in the customer's time zone with the zone's rules at that
    /// instant (daylight saving), which one histogram of UTC hours cannot give.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<int> ContactMinutes => (IReadOnlyList<int>?)contactMinutes ?? [];
    [JsonInclude] private List<int>? contactMinutes;

    /// <summary>The origin of <see cref="ContactMinutes"/>.</summary>
    public static readonly DateTimeOffset ContactEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Interest per category from order lines and engagements, decaying with <see cref="CategoryHalfLife"/>.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, DecayingScore> CategoryAffinity => (IReadOnlyDictionary<string, DecayingScore>?)categoryAffinity ?? ReadOnlyDictionary<string, DecayingScore>.Empty;
    [JsonInclude] private Dictionary<string, DecayingScore>? categoryAffinity;

    /// <summary>How many distinct reasons <see cref="WhyReasons"/> keeps (the weakest goes first).</summary>
    public const int WhyReasonLimit = 50;

    /// <summary>The longest reason kept in <see cref="WhyReasons"/>; longer ones are cut.</summary>
    public const int WhyReasonLength = 64;

    /// <summary>
    /// The why of the need profile: per reason (normalised: trimmed, lower case, at most <see cref="WhyReasonLength"/>
    /// characters) of contacts, complaints (their category), purchases, returns and cancellations, decaying with
    /// <see cref="CategoryHalfLife"/>; at most <see cref="WhyReasonLimit"/>.
    /// </summary>
    [JsonIgnore] public IReadOnlyDictionary<string, DecayingScore> WhyReasons => (IReadOnlyDictionary<string, DecayingScore>?)whyReasons ?? ReadOnlyDictionary<string, DecayingScore>.Empty;
    [JsonInclude] private Dictionary<string, DecayingScore>? whyReasons;

    /// <summary>Purchases per sales channel (purchases without a channel are not counted).</summary>
    [JsonIgnore] public IReadOnlyDictionary<Channel, int> PurchaseChannels => (IReadOnlyDictionary<Channel, int>?)purchaseChannels ?? ReadOnlyDictionary<Channel, int>.Empty;
    [JsonInclude] private Dictionary<Channel, int>? purchaseChannels;

    /// <summary>Items (sum of line quantities) of all orders that listed their lines.</summary>
    [JsonInclude] public long BasketItems { get; private set; }

    /// <summary>Orders that listed their lines (the denominator of the basket size).</summary>
    [JsonInclude] public int OrdersWithLines { get; private set; }

    /// <summary>Purchases made with a discount.</summary>
    [JsonInclude] public int DiscountedPurchases { get; private set; }

    /// <summary>The discounts of discounted purchases.</summary>
    [JsonInclude] public decimal DiscountTotal { get; private set; }

    /// <summary>The prices before discount (amount + discount) of discounted purchases: the denominator of discount depth.</summary>
    [JsonInclude] public decimal DiscountedListTotal { get; private set; }

    [JsonIgnore] public IReadOnlyDictionary<PaymentMethod, int> PaymentMethods => (IReadOnlyDictionary<PaymentMethod, int>?)paymentMethods ?? ReadOnlyDictionary<PaymentMethod, int>.Empty;
    [JsonInclude] private Dictionary<PaymentMethod, int>? paymentMethods;

    /// <summary>The longest gap, in days, between two consecutive purchase days: the customer's own rhythm.</summary>
    [JsonInclude] public int LongestPurchaseGapDays { get; private set; }

    /// <summary>The sum of squared gaps between consecutive purchase days (for the spread of the inter-purchase time).</summary>
    [JsonInclude] public long SumSquaredPurchaseGapDays { get; private set; }

    /// <summary>Per dimension the survey answer before the latest one, to see whether the experience gap worsens.</summary>
    [JsonIgnore] public IReadOnlyDictionary<ExperienceDimension, DimensionScore> PreviousExperience => (IReadOnlyDictionary<ExperienceDimension, DimensionScore>?)previousExperience ?? ReadOnlyDictionary<ExperienceDimension, DimensionScore>.Empty;
    [JsonInclude] private Dictionary<ExperienceDimension, DimensionScore>? previousExperience;

    /// <summary>The latest complaint resolution by event time.</summary>
    [JsonInclude] public ResolvedComplaint? LastComplaintResolution { get; private set; }

    // Lifecycle: what was last recorded by RecordStage (the stage itself is evaluated as of "now" on every read).

    /// <summary>The stage last recorded, null before the first recording.</summary>
    [JsonInclude] public LifecycleStage? Stage { get; private set; }

    /// <summary>When the recorded stage was entered (noticed).</summary>
    [JsonInclude] public DateTimeOffset? StageSince { get; private set; }

    /// <summary>
    /// When a stage change around an event occurring at <paramref name="occurredAt"/> is recorded: at the event's time,
    /// never before the last recorded change (a late event cannot rewrite the order of the history).
    /// </summary>
    public DateTimeOffset StageTimeFor(DateTimeOffset occurredAt) => StageSince is { } since && since > occurredAt ? since : occurredAt;

    /// <summary>The latest transitions, oldest first, at most <see cref="StageHistoryLimit"/>.</summary>
    [JsonInclude] public List<StageTransition> StageHistory { get; private set; } = [];

    /// <summary>How many of the latest interactions <see cref="RecentInteractions"/> keeps.</summary>
    public const int RecentInteractionLimit = 10;

    /// <summary>The latest interactions by event time, newest first, at most <see cref="RecentInteractionLimit"/>: what an agent reads first.</summary>
    [JsonInclude] public List<RecentInteraction> RecentInteractions { get; private set; } = [];

    /// <summary>The active stage (exploration, formation, stability) the customer was in when the relationship last weakened.</summary>
    [JsonInclude] public LifecycleStage? LastActiveStage { get; private set; }

    /// <summary>How long the stability that last ended in decline or churn had lasted, in days.</summary>
    [JsonInclude] public double? LastStabilityDays { get; private set; }

    /// <summary>The day of the first purchase of the current relationship after the latest win-back.</summary>
    [JsonInclude] public DateTimeOffset? EpisodeStartedAt { get; private set; }

    void IJsonOnDeserialized.OnDeserialized()
    {
        var net = 0m;
        foreach (var day in PurchaseDays)
        {
            net += day.Net;
        }
        PurchaseDaysNet = net;
    }

    /// <summary>Net spend: purchases less refunds.</summary>
    [JsonIgnore] public decimal NetSpend => GrossSpend - ReturnedAmount;

    /// <summary>
    /// Applies one event. Throws <see cref="ArgumentException"/> (and changes nothing) for an event of another customer.
    /// </summary>
    public void Apply(InteractionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!string.Equals(e.CustomerId, CustomerId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Event {e.EventId} belongs to customer '{e.CustomerId}', not '{CustomerId}'.", nameof(e));
        }
        if (FirstEventAt is null || e.OccurredAt < FirstEventAt)
        {
            FirstEventAt = e.OccurredAt;
        }
        if (LastEventAt is null || e.OccurredAt > LastEventAt)
        {
            LastEventAt = e.OccurredAt;
        }

        switch (e)
        {
            case PurchaseMade p: ApplyPurchase(p); break;
            case OrderReturned r: ApplyReturn(r); break;
            case CustomerContacted c: ApplyContact(c); break;
            case ComplaintOpened o: ApplyComplaintOpened(o); break;
            case ComplaintResolved s: ApplyComplaintResolved(s); break;
            case SurveyAnswered s: ApplySurvey(s); break;
            case EngagementRecorded g: ApplyEngagement(g); break;
            case ProfileChanged pc: ApplyProfile(pc); break;
            case NoteAdded:
                break;
            case OfferRecorded o:
                ApplyOffer(o);
                break;
            case SubscriptionStarted ss:
                SubscriptionFacts.Apply(subscriptions ??= [], ss);
                break;
            case SubscriptionCancelled sc:
                AddReason(sc.Reason, sc.OccurredAt);
                SubscriptionFacts.Apply(subscriptions ??= [], sc);
                break;
            case CustomerCancelled x:
                AddReason(x.Reason, x.OccurredAt);
                if (Cancellation is null || x.OccurredAt > Cancellation.At)
                {
                    Cancellation = new CancellationNote(x.Reason, x.OccurredAt);
                }
                break;
            default:
                throw new ArgumentException($"Unknown event type {e.GetType().Name}.", nameof(e));
        }
        AppliedEvents++;
        RememberRecent(e);
    }

    /// <summary>
    /// After retention shredded an event in the log (<see cref="RetentionShredding"/>): its line among the recent interactions
    /// reads as what is left of it, as a rebuild from the log would. No figure changes. True when a line changed.
    /// </summary>
    public bool Redescribe(InteractionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var index = RecentInteractions.FindIndex(r => r.EventId == e.EventId);
        var summary = InteractionDescriptions.Describe(e);
        if (index < 0 || RecentInteractions[index].Summary == summary)
        {
            return false;
        }
        RecentInteractions[index] = RecentInteractions[index] with { Summary = summary };
        return true;
    }

    private void RememberRecent(InteractionEvent e)
    {
        // Newest first by event time; a late event lands in its place or, if older than all kept, is not kept.
        var index = RecentInteractions.FindIndex(r => r.At < e.OccurredAt);
        if (index < 0)
        {
            index = RecentInteractions.Count;
        }
        if (index >= RecentInteractionLimit)
        {
            return;
        }
        RecentInteractions.Insert(index, new RecentInteraction(e.EventId, e.TypeName, e.OccurredAt, InteractionDescriptions.Describe(e)));
        if (RecentInteractions.Count > RecentInteractionLimit)
        {
            RecentInteractions.RemoveAt(RecentInteractions.Count - 1);
        }
    }

    /// <summary>
    /// What one unit of an event's amount counts in <see cref="Currency"/>: its conversion's rate (1 for an event logged
    /// before conversions, in the customer's own currency), or null (the amount is kept in <see cref="Uncounted"/>) when it
    /// is in another currency than the one this state counts in.
    /// </summary>
    private decimal? Factor(string? currency, Conversion? conversion, decimal signedAmount)
    {
        var target = conversion?.To ?? currency ?? Currency;
        if (target is null)
        {
            return 1m;
        }
        Currency ??= target;
        if (string.Equals(target, Currency, StringComparison.Ordinal))
        {
            return conversion?.Rate ?? 1m;
        }
        var key = currency ?? target;
        (uncounted ??= [])[key] = Uncounted.GetValueOrDefault(key) + signedAmount;
        return null;
    }

    /// <summary>An amount counted in <see cref="Currency"/> (to 4 decimals, finer than any currency's minor unit).</summary>
    private static decimal Counted(decimal amount, decimal? factor) => factor is { } f ? (f == 1m ? amount : Math.Round(amount * f, 4)) : 0m;

    private void ApplyPurchase(PurchaseMade p)
    {
        var day = DateOnly.FromDateTime(p.OccurredAt.UtcDateTime);
        var factor = Factor(p.Currency, p.Conversion, p.Amount);
        var amount = Counted(p.Amount, factor);
        ApplyPurchaseNeeds(p, factor);
        PurchaseCount++;
        GrossSpend += amount;
        if (FirstPurchaseAt is null || p.OccurredAt < FirstPurchaseAt)
        {
            FirstPurchaseAt = p.OccurredAt;
        }
        if (LastPurchaseAt is null || p.OccurredAt > LastPurchaseAt)
        {
            LastPurchaseAt = p.OccurredAt;
        }

        // A return may have arrived before its order (out of order): it is then already counted in
        // ReturnedAmount and is now moved onto the order's day.
        var earlyReturn = Orders.TryGetValue(p.OrderId, out var known) && known.Amount == 0 ? known.Returned : 0m;
        (orders ??= [])[p.OrderId] = new OrderFact(day, (known?.Amount ?? 0) + amount, known?.Returned ?? 0);
        UpdateDay(day, amount, earlyReturn, orders: 1);
    }

    private void ApplyReturn(OrderReturned r)
    {
        AddReason(r.Reason, r.OccurredAt);
        var amount = Counted(r.Amount, Factor(r.Currency, r.Conversion, -r.Amount));
        ReturnCount++;
        ReturnedAmount += amount;
        if (Orders.TryGetValue(r.OrderId, out var order))
        {
            orders![r.OrderId] = order with { Returned = order.Returned + amount };
            if (order.Amount > 0)
            {
                UpdateDay(order.Day, 0, amount, orders: 0);
            }
        }
        else
        {
            // The order is not known (yet): remember the refund so a late order lands on its day net.
            (orders ??= [])[r.OrderId] = new OrderFact(DateOnly.FromDateTime(r.OccurredAt.UtcDateTime), 0, amount);
        }
    }

    private void UpdateDay(DateOnly day, decimal gross, decimal returned, int orders)
    {
        PurchaseDaysNet += gross - returned;
        var i = FindDay(day);
        if (i >= 0)
        {
            var d = PurchaseDays[i];
            PurchaseDays[i] = d with { Gross = d.Gross + gross, Returned = d.Returned + returned, Orders = d.Orders + orders };
        }
        else
        {
            PurchaseDays.Insert(~i, new PurchaseDay(day, gross, returned, orders));
            AddGap(~i);
        }
    }

    /// <summary>
    /// Keeps the gap statistics after a new purchase day was inserted at <paramref name="index"/>: appending
    /// adds one gap; a late day in the middle splits a gap in two.
    /// </summary>
    private void AddGap(int index)
    {
        var days = PurchaseDays;
        var day = days[index].Day.DayNumber;
        int? before = index > 0 ? day - days[index - 1].Day.DayNumber : null;
        int? after = index < days.Count - 1 ? days[index + 1].Day.DayNumber - day : null;
        if (before is { } b && after is { } a)
        {
            long split = a + b;
            SumSquaredPurchaseGapDays += ((long)a * a) + ((long)b * b) - (split * split);
            if (split >= LongestPurchaseGapDays)
            {
                LongestPurchaseGapDays = LongestGap(days);
            }
            return;
        }
        var gap = before ?? after ?? 0;
        SumSquaredPurchaseGapDays += (long)gap * gap;
        LongestPurchaseGapDays = Math.Max(LongestPurchaseGapDays, gap);
    }

    private static int LongestGap(List<PurchaseDay> days)
    {
        var longest = 0;
        for (var i = 1; i < days.Count; i++)
        {
            longest = Math.Max(longest, days[i].Day.DayNumber - days[i - 1].Day.DayNumber);
        }
        return longest;
    }

    private void AddReason(string? reason, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return;
        }
        var key = string.Join(' ', reason.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        if (key.Length > WhyReasonLength)
        {
            key = key[..WhyReasonLength];
        }
        (whyReasons ??= [])[key] = WhyReasons.TryGetValue(key, out var score) ? score.Add(1, at, CategoryHalfLife) : new DecayingScore(1, at);
        if (WhyReasons.Count > WhyReasonLimit)
        {
            var now = LastEventAt ?? at;
            whyReasons.Remove(WhyReasons.Where(x => x.Key != key).MinBy(x => x.Value.ValueAt(now, CategoryHalfLife)).Key);
        }
    }

    private void ApplyPurchaseNeeds(PurchaseMade p, decimal? factor)
    {
        AddReason(p.Reason, p.OccurredAt);
        if (p.Channel is { } channel)
        {
            (purchaseChannels ??= [])[channel] = PurchaseChannels.GetValueOrDefault(channel) + 1;
        }
        if (p.PaymentMethod is { } method)
        {
            (paymentMethods ??= [])[method] = PaymentMethods.GetValueOrDefault(method) + 1;
        }
        if (p.Discount > 0 && factor is not null)
        {
            DiscountedPurchases++;
            DiscountTotal += Counted(p.Discount, factor);
            DiscountedListTotal += Counted(p.Amount + p.Discount, factor);
        }
        if (p.Lines.Length > 0)
        {
            OrdersWithLines++;
            foreach (var line in p.Lines)
            {
                BasketItems += line.Quantity;
                AddAffinity(line.Category, PurchaseLineAffinity, p.OccurredAt);
            }
        }
    }

    private void AddAffinity(string category, double weight, DateTimeOffset at) =>
        (categoryAffinity ??= [])[category] = CategoryAffinity.TryGetValue(category, out var score)
            ? score.Add(weight, at, CategoryHalfLife)
            : new DecayingScore(weight, at);

    private void CountContactTime(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        (contactHours ??= new int[24])[utc.Hour]++;
        (contactWeekdays ??= new int[7])[(int)utc.DayOfWeek]++;
        var minute = (int)Math.Clamp((at - ContactEpoch).TotalMinutes, 0, int.MaxValue);
        // Events arrive mostly in order: appended; a late one is inserted in its place.
        var i = ContactMinutes.Count;
        while (i > 0 && ContactMinutes[i - 1] > minute)
        {
            i--;
        }
        (contactMinutes ??= []).Insert(i, minute);
        if (ContactMinutes.Count > ContactTimeLimit)
        {
            contactMinutes.RemoveAt(0);
        }
    }

    private int FindDay(DateOnly day)
    {
        // Events arrive mostly in order: the last day is checked first.
        var days = PurchaseDays;
        if (days.Count == 0 || days[^1].Day < day)
        {
            return ~days.Count;
        }
        int lo = 0, hi = days.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = days[mid].Day.CompareTo(day);
            if (c == 0)
            {
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }

    private void ApplyContact(CustomerContacted c)
    {
        CountContactTime(c.OccurredAt);
        AddReason(c.Reason, c.OccurredAt);
        (contacts ??= [])[c.Channel] = Contacts.TryGetValue(c.Channel, out var s)
            ? new ChannelContacts(s.Count + 1, s.TotalSeconds + c.DurationSeconds, c.OccurredAt > s.LastAt ? c.OccurredAt : s.LastAt)
            : new ChannelContacts(1, c.DurationSeconds, c.OccurredAt);
        if (c.Emotion is { } emotion && (LastEmotion is null || c.OccurredAt >= LastEmotion.At))
        {
            LastEmotion = new EmotionNote(emotion, c.Channel, c.OccurredAt);
        }
    }

    private void ApplyComplaintOpened(ComplaintOpened o)
    {
        ComplaintCount++;
        AddReason(o.Category, o.OccurredAt);
        if (!ResolvedComplaints.ContainsKey(o.ComplaintId))
        {
            (openComplaints ??= [])[o.ComplaintId] = new OpenComplaint(o.ComplaintId, o.Severity, o.Category, o.OccurredAt);
        }
    }

    private void ApplyComplaintResolved(ComplaintResolved s)
    {
        if (LastComplaintResolution is null || s.OccurredAt >= LastComplaintResolution.At)
        {
            LastComplaintResolution = new ResolvedComplaint(s.OccurredAt, s.Satisfied);
        }
        openComplaints?.Remove(s.ComplaintId);
        (resolvedComplaints ??= [])[s.ComplaintId] = new ResolvedComplaint(s.OccurredAt, s.Satisfied);
        if (s.Compensated)
        {
            // Kept in time order, a late one in its place; past the limit the oldest goes (the pattern looks at recent ones).
            var kept = compensatedResolutions ??= [];
            var at = kept.FindLastIndex(t => t <= s.OccurredAt) + 1;
            kept.Insert(at, s.OccurredAt);
            if (kept.Count > CompensatedResolutionLimit)
            {
                kept.RemoveAt(0);
            }
        }
    }

    private void ApplySurvey(SurveyAnswered s)
    {
        foreach (var (dimension, score) in s.Dimensions)
        {
            var answer = new DimensionScore(score.Expectation, score.Experience, score.Importance, s.OccurredAt);
            if (!Experience.TryGetValue(dimension, out var known) || s.OccurredAt >= known.At)
            {
                (experience ??= [])[dimension] = answer;
                if (known is not null)
                {
                    (previousExperience ??= [])[dimension] = known;
                }
            }
            else if (!PreviousExperience.TryGetValue(dimension, out var previous) || s.OccurredAt >= previous.At)
            {
                // A late answer older than the latest: it may still be the one before the latest.
                (previousExperience ??= [])[dimension] = answer;
            }
        }
        if (s.Nps is { } nps && (LastNps is null || s.OccurredAt >= LastNps.At))
        {
            LastNps = new NpsNote(nps, s.OccurredAt);
        }
    }

    private void ApplyEngagement(EngagementRecorded g)
    {
        CountContactTime(g.OccurredAt);
        if (!string.IsNullOrWhiteSpace(g.Category))
        {
            AddAffinity(g.Category, EngagementAffinity, g.OccurredAt);
        }
        (engagements ??= [])[g.Kind] = Engagements.GetValueOrDefault(g.Kind) + 1;
        if (LastEngagementAt is null || g.OccurredAt > LastEngagementAt)
        {
            LastEngagementAt = g.OccurredAt;
        }
    }

    private void ApplyProfile(ProfileChanged pc)
    {
        var at = pc.OccurredAt;
        Name = Newer(Name, pc.Name, at);
        Email = Newer(Email, pc.Email, at);
        Phones = Newer(Phones, pc.Phones is { } phones ? [.. phones] : null, at);
        if (pc.Birthday is { } birthday && (Birthday is null || at >= Birthday.At))
        {
            Birthday = new Stamped<DateOnly>(birthday, at);
        }
        foreach (var (channel, granted) in pc.Consents ?? [])
        {
            if (!Consents.TryGetValue(channel, out var known) || at >= known.At)
            {
                (consents ??= [])[channel] = new ConsentNote(granted, at) { Source = pc.Source };
            }
        }
        foreach (var (channel, purposes) in pc.ConsentsByPurpose ?? [])
        {
            if (!PurposeConsents.TryGetValue(channel, out var notes))
            {
                (purposeConsents ??= [])[channel] = notes = [];
            }
            foreach (var (purpose, granted) in purposes)
            {
                if (!notes.TryGetValue(purpose, out var known) || at >= known.At)
                {
                    notes[purpose] = new ConsentNote(granted, at) { Source = pc.Source };
                }
            }
        }
        TimeZone = Newer(TimeZone, pc.TimeZone, at);
        foreach (var (key, value) in pc.Preferences ?? [])
        {
            SetPreference(key, value, pc.Source, at);
        }
    }

    private void ApplyOffer(OfferRecorded o)
    {
        if (Offers.TryGetValue(o.OfferId, out var known))
        {
            var later = o.OccurredAt >= known.OutcomeAt;
            offers![o.OfferId] = known with
            {
                OfferedAt = o.OccurredAt < known.OfferedAt ? o.OccurredAt : known.OfferedAt,
                Outcome = later ? o.Outcome : known.Outcome,
                OutcomeAt = later ? o.OccurredAt : known.OutcomeAt,
                Spend = later ? o.Spend : known.Spend,
            };
            return;
        }
        (offers ??= [])[o.OfferId] = new OfferFact(o.Kind, o.Action, o.OccurredAt, o.Outcome, o.OccurredAt, o.Spend);
        if (Offers.Count > OfferLimit)
        {
            offers.Remove(Offers.MinBy(x => x.Value.OfferedAt).Key);
        }
    }

    /// <summary>
    /// What accepted offers of <paramref name="kind"/> and <paramref name="action"/> spent from <paramref name="since"/> up to
    /// <paramref name="now"/>, and when such an offer was last made (any outcome) up to <paramref name="now"/>.
    /// </summary>
    public (decimal Spent, DateTimeOffset? LastOfferedAt) OffersOf(Decisions.ActionKind kind, string action, DateTimeOffset since, DateTimeOffset now)
    {
        var spent = 0m;
        DateTimeOffset? last = null;
        foreach (var offer in Offers.Values)
        {
            if (offer.Kind != kind || !string.Equals(offer.Action, action, StringComparison.OrdinalIgnoreCase) || offer.OfferedAt > now)
            {
                continue;
            }
            if (last is null || offer.OfferedAt > last)
            {
                last = offer.OfferedAt;
            }
            if (offer.Outcome == OfferOutcome.Accepted && offer.OutcomeAt > since && offer.OutcomeAt <= now)
            {
                spent += offer.Spend;
            }
        }
        return (spent, last);
    }

    /// <summary>Records a stated preference unless a newer statement of the same key is already known.</summary>
    public void SetPreference(string key, string value, string source, DateTimeOffset at)
    {
        if (!Preferences.TryGetValue(key, out var known) || at >= known.At)
        {
            (preferences ??= [])[key] = new StatedPreference(value, source, at);
        }
    }

    /// <summary>
    /// The statement in force for approaching the customer on <paramref name="channel"/> for <paramref name="purpose"/>: the
    /// newer of the channel's statement for every purpose and its statement for this purpose (the latter when both are of
    /// the same moment); null when the customer never said.
    /// </summary>
    public ConsentNote? ConsentFor(ConsentChannel channel, ConsentPurpose purpose)
    {
        var general = Consents.GetValueOrDefault(channel);
        var specific = PurposeConsents.TryGetValue(channel, out var notes) ? notes.GetValueOrDefault(purpose) : null;
        return general is null || (specific is not null && specific.At >= general.At) ? specific : general;
    }

    /// <summary>Every channel and purpose the customer made a statement about, with the statement in force (<see cref="ConsentFor"/>).</summary>
    public IReadOnlyList<ConsentInForce> ConsentsInForce() =>
        [.. Consents.Keys.Union(PurposeConsents.Keys).Order().SelectMany(channel => Enum.GetValues<ConsentPurpose>()
            .Select(purpose => (channel, purpose, note: ConsentFor(channel, purpose)))
            .Where(x => x.note is not null)
            .Select(x => new ConsentInForce(x.channel, x.purpose, x.note!)))];

    /// <summary>Whether the customer has granted consent to be approached on <paramref name="channel"/> for <paramref name="purpose"/> (no answer is no).</summary>
    public bool HasConsent(ConsentChannel channel, ConsentPurpose purpose) => ConsentFor(channel, purpose)?.Granted == true;

    private static Stamped<T>? Newer<T>(Stamped<T>? current, T? value, DateTimeOffset at) where T : class =>
        value is not null && (current is null || at >= current.At) ? new Stamped<T>(value, at) : current;

    /// <summary>
    /// Records the stage of an evaluation made as of <paramref name="now"/>. Returns true when the stage
    /// changed (a transition was added to <see cref="StageHistory"/>), false when it is the recorded stage
    /// already, so calling it after every event and on every sweep records each transition once.
    /// </summary>
    public bool RecordStage(LifecycleView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (Stage == view.Stage)
        {
            return false;
        }
        var from = Stage;
        if (view.Stage is LifecycleStage.Decline or LifecycleStage.Churned && LifecycleView.IsActive(from))
        {
            LastActiveStage = from;
            LastStabilityDays = from == LifecycleStage.Stability && StageSince is { } since ? Math.Max(0, (now - since).TotalDays) : null;
        }
        if (view.IsWinBack)
        {
            EpisodeStartedAt = view.EpisodeStartedAt;
        }
        Stage = view.Stage;
        StageSince = now;
        StageHistory.Add(new StageTransition(from, view.Stage, now, string.Join("; ", view.Reasons), view.IsWinBack));
        if (StageHistory.Count > StageHistoryLimit)
        {
            StageHistory.RemoveRange(0, StageHistory.Count - StageHistoryLimit);
        }
        return true;
    }
}
