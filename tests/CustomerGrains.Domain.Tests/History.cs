using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Tests;

/// <summary>Builds a customer's state from a crafted event history, one readable line per event.</summary>
internal sealed class History
{
    /// <summary>A Monday morning, the start of most histories.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private int sequence;

    public History(string customerId = "c-1") => State = new CustomerState(customerId);

    public CustomerState State { get; }

    private readonly List<InteractionEvent> applied = [];

    /// <summary>The events applied so far, in the order they were applied.</summary>
    public IReadOnlyList<InteractionEvent> Events => applied;

    /// <summary>
    /// The decision for a phone contact at <paramref name="now"/>: the lifecycle evaluated (and recorded) with
    /// <paramref name="pAlive"/>, the need profile, and a value view of the given tier and percentile.
    /// </summary>
    public Domain.Decisions.Decision Decide(DateTimeOffset now, double pAlive, string tier = "A", double percentile = 0.9, Domain.Decisions.Policy? policy = null)
    {
        var lifecycle = Domain.Lifecycle.LifecycleEvaluator.Evaluate(State, now, pAlive, new Domain.Lifecycle.LifecycleOptions());
        State.RecordStage(lifecycle, now);
        var needs = Domain.Needs.NeedProfile.Of(State, now, new Domain.Needs.NeedOptions(), null);
        var value = new Domain.Decisions.ValueView(pAlive, NetValue: 1000m, Clv: 1200m, tier, percentile);
        return Domain.Decisions.DecisionEngine.Decide(State, value, lifecycle, needs, new Domain.Decisions.DecisionContext(Channel.Phone, null, now),
            policy ?? Domain.Decisions.Policy.Default);
    }

    public History Apply(InteractionEvent e)
    {
        State.Apply(e);
        applied.Add(e);
        return this;
    }

    private string NextId() => $"e-{++sequence}";

    public History Purchase(DateTimeOffset at, decimal amount = 100m, decimal discount = 0m, PaymentMethod? payment = null,
        Channel? channel = null, params PurchaseLine[] lines) => Apply(new PurchaseMade
        {
            EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "shop",
            OrderId = $"o-{sequence}", Amount = amount, Currency = "EUR", Discount = discount,
            PaymentMethod = payment, Channel = channel, Lines = [.. lines],
        });

    /// <summary>A purchase every <paramref name="everyDays"/> days from <paramref name="from"/>, <paramref name="count"/> times.</summary>
    public History Purchases(DateTimeOffset from, int count, int everyDays, decimal amount = 100m)
    {
        for (var i = 0; i < count; i++)
        {
            Purchase(from.AddDays(i * everyDays), amount);
        }
        return this;
    }

    public History Contact(DateTimeOffset at, Channel channel = Channel.Phone, Emotion? emotion = null) => Apply(new CustomerContacted
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "cti", Channel = channel, Emotion = emotion,
    });

    public History Engagement(DateTimeOffset at, EngagementKind kind, string? category = null) => Apply(new EngagementRecorded
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "web", Kind = kind, Category = category,
    });

    public History ComplaintOpened(DateTimeOffset at, string id, ComplaintSeverity severity = ComplaintSeverity.High) => Apply(new ComplaintOpened
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "crm", ComplaintId = id, Severity = severity,
    });

    public History ComplaintResolved(DateTimeOffset at, string id, bool satisfied = true, bool compensated = false) => Apply(new ComplaintResolved
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "crm", ComplaintId = id, Satisfied = satisfied,
        Compensated = compensated,
    });

    public History Survey(DateTimeOffset at, ExperienceDimension dimension, double expectation, double experience, double importance, int? nps = null) => Apply(new SurveyAnswered
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "survey",
        Dimensions = ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty.Add(dimension, new SurveyScore(expectation, experience, importance)),
        Nps = nps,
    });

    public History Nps(DateTimeOffset at, int score) => Apply(new SurveyAnswered
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "survey", Nps = score,
    });

    public History Consent(DateTimeOffset at, ConsentChannel channel, bool granted = true) => Apply(new ProfileChanged
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "crm",
        Consents = ImmutableDictionary<ConsentChannel, bool>.Empty.Add(channel, granted),
    });

    public History Consent(DateTimeOffset at, ConsentChannel channel, ConsentPurpose purpose, bool granted, string source = "crm") => Apply(new ProfileChanged
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = source,
        ConsentsByPurpose = ImmutableDictionary<ConsentChannel, ImmutableDictionary<ConsentPurpose, bool>>.Empty
            .Add(channel, ImmutableDictionary<ConsentPurpose, bool>.Empty.Add(purpose, granted)),
    });

    public History Birthday(DateTimeOffset at, DateOnly birthday) => Apply(new ProfileChanged
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "crm", Birthday = birthday,
    });

    public History Preference(DateTimeOffset at, string key, string value) => Apply(new ProfileChanged
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "front-desk",
        Preferences = ImmutableDictionary<string, string>.Empty.Add(key, value),
    });

    public History Offer(DateTimeOffset at, string offerId, Domain.Decisions.ActionKind kind, string action, OfferOutcome outcome, decimal spend = 0m) => Apply(new OfferRecorded
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "marketing", OfferId = offerId, Kind = kind,
        Action = action, Outcome = outcome, Spend = spend,
    });

    /// <summary>A profile change stating phones and, optionally, the customer's time zone.</summary>
    public History Locale(DateTimeOffset at, string? phone = null, string? timeZone = null) => Apply(new ProfileChanged
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "crm",
        Phones = phone is null ? null : [phone], TimeZone = timeZone,
    });

    public History Cancel(DateTimeOffset at, string? reason = null) => Apply(new CustomerCancelled
    {
        EventId = NextId(), CustomerId = State.CustomerId, OccurredAt = at, Source = "crm", Reason = reason,
    });
}
