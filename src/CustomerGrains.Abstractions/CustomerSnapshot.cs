using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Abstractions;

/// <summary>What the engine shows of one customer, computed for <see cref="AsOf"/>.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerSnapshot")]
public sealed record CustomerSnapshot
{
    /// <summary>The customer id.</summary>
    [Id(0)] public required string CustomerId { get; init; }
    /// <summary>The moment the time-dependent figures are computed for.</summary>
    [Id(1)] public required DateTimeOffset AsOf { get; init; }
    /// <summary>The number of distinct events applied.</summary>
    [Id(2)] public required int AppliedEvents { get; init; }
    /// <summary>The event time of the earliest event applied.</summary>
    [Id(3)] public DateTimeOffset? FirstEventAt { get; init; }
    /// <summary>The event time of the latest event applied.</summary>
    [Id(4)] public DateTimeOffset? LastEventAt { get; init; }
    /// <summary>The purchase history condensed.</summary>
    [Id(5)] public required PurchaseFigures Purchases { get; init; }
    /// <summary>Service contacts per channel (camelCase channel names).</summary>
    [Id(6)] public required ImmutableDictionary<string, ContactFigures> Contacts { get; init; }
    /// <summary>Complaints not yet resolved, oldest first.</summary>
    [Id(7)] public required ImmutableArray<ComplaintInfo> OpenComplaints { get; init; }
    /// <summary>All complaints ever opened.</summary>
    [Id(8)] public int Complaints { get; init; }
    /// <summary>The customer's mood at the latest contact where it was noted.</summary>
    [Id(9)] public MoodInfo? LastMood { get; init; }
    /// <summary>Contact data and stated facts.</summary>
    [Id(10)] public required ProfileInfo Profile { get; init; }
    /// <summary>The latest survey scores per experience dimension (camelCase names).</summary>
    [Id(11)] public required ImmutableDictionary<string, ExperienceScore> Experience { get; init; }
    /// <summary>The latest net-promoter score (0-10).</summary>
    [Id(12)] public int? LastNps { get; init; }
    /// <summary>Engagements (web visits, e-mail opens, app sessions) per kind.</summary>
    [Id(13)] public required ImmutableDictionary<string, int> Engagements { get; init; }
    /// <summary>When and why the customer cancelled, if they did.</summary>
    [Id(14)] public CancellationInfo? Cancellation { get; init; }
    /// <summary>The live value score, computed for <see cref="AsOf"/> with the model and population versions named in it.</summary>
    [Id(15)] public ValueFigures? Value { get; init; }
    /// <summary>The relationship stage as of <see cref="AsOf"/>, with the rules that put the customer there and the lifecycle pattern.</summary>
    [Id(16)] public Domain.Lifecycle.LifecycleView? Lifecycle { get; init; }
    /// <summary>The recorded stage transitions (from, to, at, reason), oldest first, bounded.</summary>
    [Id(17)] public IReadOnlyList<StageTransition> StageHistory { get; init; } = [];
    /// <summary>The need profile: what, when, where, how many, what price, how to pay, how often; experience gaps and individuality.</summary>
    [Id(18)] public Domain.Needs.NeedProfileView? Needs { get; init; }
    /// <summary>The latest interactions by event time, newest first, each with a one-line description.</summary>
    [Id(19)] public IReadOnlyList<RecentInteraction> RecentInteractions { get; init; } = [];
    /// <summary>
    /// Events of this customer that could not be applied and were set aside (kept in the log, listed as
    /// <c>eventQuarantined</c> alerts); the figures are those of every other event.
    /// </summary>
    [Id(20)] public int QuarantinedEvents { get; init; }

    /// <summary>Maps the domain's summary onto the wire contract.</summary>
    public static CustomerSnapshot From(CustomerSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var p = s.Purchases;
        return new CustomerSnapshot
        {
            CustomerId = s.CustomerId,
            AsOf = s.AsOf,
            AppliedEvents = s.AppliedEvents,
            FirstEventAt = s.FirstEventAt,
            LastEventAt = s.LastEventAt,
            Purchases = new PurchaseFigures(p.Purchases, p.RepeatPurchases, p.FirstPurchaseAt, p.LastPurchaseAt,
                p.RecencyDays, p.AgeDays, p.GrossSpend, p.Returned, p.NetSpend, p.Returns, p.Currency)
            {
                Uncounted = p.Uncounted?.ToImmutableDictionary(StringComparer.Ordinal),
            },
            Contacts = s.Contacts.ToImmutableDictionary(
                c => EnumNames.Of(c.Key), c => new ContactFigures(c.Value.Count, c.Value.TotalSeconds, c.Value.LastAt)),
            OpenComplaints = [.. s.OpenComplaints.Select(c =>
                new ComplaintInfo(c.ComplaintId, EnumNames.Of(c.Severity), c.Category, c.OpenedAt, c.AgeDays))],
            Complaints = s.Complaints,
            LastMood = s.LastEmotion is { } m ? new MoodInfo(EnumNames.Of(m.Emotion), EnumNames.Of(m.Channel), m.At) : null,
            Profile = new ProfileInfo
            {
                Name = s.Name,
                Phones = [.. s.Phones],
                Email = s.Email,
                Birthday = s.Birthday,
                TimeZone = s.TimeZone,
                Consents = s.Consents.ToImmutableDictionary(c => EnumNames.Of(c.Key), c => c.Value.Granted),
                ConsentDetails = [.. s.ConsentsInForce.Select(c =>
                    new ConsentInfo(EnumNames.Of(c.Channel), EnumNames.Of(c.Purpose), c.Note.Granted, c.Note.At, c.Note.Source))],
                Preferences = s.Preferences.ToImmutableDictionary(
                    x => x.Key, x => new PreferenceInfo(x.Value.Value, x.Value.Source, x.Value.At)),
            },
            Experience = s.Experience.ToImmutableDictionary(
                e => EnumNames.Of(e.Key), e => new ExperienceScore(e.Value.Expectation, e.Value.Experience, e.Value.Importance, e.Value.At)),
            LastNps = s.LastNps?.Score,
            Engagements = s.Engagements.ToImmutableDictionary(e => EnumNames.Of(e.Key), e => e.Value),
            Cancellation = s.Cancellation is { } x ? new CancellationInfo(x.Reason, x.At) : null,
            RecentInteractions = [.. s.RecentInteractions],
        };
    }
}

/// <summary>
/// Purchase history: counts, the repeat-purchase statistics and spend (net = gross - returned), in <c>Currency</c> (the base
/// currency); <see cref="Uncounted"/> lists per currency what could not be converted into it and is not in the sums.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.PurchaseFigures")]
public sealed record PurchaseFigures(
    [property: Id(0)] int Purchases,
    [property: Id(1)] int RepeatPurchases,
    [property: Id(2)] DateTimeOffset? FirstPurchaseAt,
    [property: Id(3)] DateTimeOffset? LastPurchaseAt,
    [property: Id(4)] double RecencyDays,
    [property: Id(5)] double AgeDays,
    [property: Id(6)] decimal GrossSpend,
    [property: Id(7)] decimal Returned,
    [property: Id(8)] decimal NetSpend,
    [property: Id(9)] int Returns,
    [property: Id(10)] string? Currency)
{
    /// <summary>Net amounts per currency not counted in the sums (logged without a conversion into the base currency); null when none.</summary>
    [Id(11)] public ImmutableDictionary<string, decimal>? Uncounted { get; init; }
}

/// <summary>Contacts on one channel.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ContactFigures")]
public sealed record ContactFigures([property: Id(0)] int Count, [property: Id(1)] long TotalSeconds, [property: Id(2)] DateTimeOffset LastAt);

/// <summary>An open complaint and its age in days.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ComplaintInfo")]
public sealed record ComplaintInfo(
    [property: Id(0)] string ComplaintId,
    [property: Id(1)] string Severity,
    [property: Id(2)] string? Category,
    [property: Id(3)] DateTimeOffset OpenedAt,
    [property: Id(4)] double AgeDays);

/// <summary>The mood noted at a contact.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.MoodInfo")]
public sealed record MoodInfo([property: Id(0)] string Emotion, [property: Id(1)] string Channel, [property: Id(2)] DateTimeOffset At);

/// <summary>Contact data, consents per channel and stated preferences.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ProfileInfo")]
public sealed record ProfileInfo
{
    /// <summary>The customer's name.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>Phone numbers as given.</summary>
    [Id(1)] public ImmutableArray<string> Phones { get; init; } = [];
    /// <summary>E-mail address.</summary>
    [Id(2)] public string? Email { get; init; }
    /// <summary>Birthday.</summary>
    [Id(3)] public DateOnly? Birthday { get; init; }
    /// <summary>The consent per channel stated for every purpose (absent means no statement of that kind); <see cref="ConsentDetails"/> is what decisions obey.</summary>
    [Id(4)] public ImmutableDictionary<string, bool> Consents { get; init; } = ImmutableDictionary<string, bool>.Empty;
    /// <summary>Stated preferences by key.</summary>
    [Id(5)] public ImmutableDictionary<string, PreferenceInfo> Preferences { get; init; } = ImmutableDictionary<string, PreferenceInfo>.Empty;
    /// <summary>The time zone the customer stated (IANA id); the need profile's <c>zone</c> says which one is in use and why.</summary>
    [Id(6)] public string? TimeZone { get; init; }
    /// <summary>The consent in force per channel and purpose (offers, care), with when and by which system it was stated; a channel and purpose not listed has no consent.</summary>
    [Id(7)] public ImmutableArray<ConsentInfo> ConsentDetails { get; init; } = [];
}

/// <summary>The consent in force for approaching the customer on a channel for a purpose: granted or withdrawn, when, and by which system.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ConsentInfo")]
public sealed record ConsentInfo(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Purpose,
    [property: Id(2)] bool Granted,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? Source);

/// <summary>A stated preference, its source and when it was stated.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.PreferenceInfo")]
public sealed record PreferenceInfo([property: Id(0)] string Value, [property: Id(1)] string Source, [property: Id(2)] DateTimeOffset At);

/// <summary>The latest survey answer for one dimension (0-10 scales).</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ExperienceScore")]
public sealed record ExperienceScore(
    [property: Id(0)] double Expectation,
    [property: Id(1)] double Experience,
    [property: Id(2)] double Importance,
    [property: Id(3)] DateTimeOffset At);

/// <summary>
/// The customer's value as of the snapshot's moment: BG/NBD P(alive) and expected purchases over
/// <see cref="HorizonWeeks"/>, Gamma-Gamma expected spend, CLV, expected cost-to-serve, net value
/// (CLV less cost-to-serve), RFM code against population quintiles (null until the population is measured)
/// and the tier (A top 20% of net value, B next 30%, C the rest with net value &gt;= 0, D below zero).
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ValueFigures")]
public sealed record ValueFigures
{
    /// <summary>Probability the customer is still active (0..1).</summary>
    [Id(0)] public double PAlive { get; init; }
    /// <summary>Expected purchases (repeat-purchase days) in the next <see cref="HorizonWeeks"/> weeks.</summary>
    [Id(1)] public double ExpectedPurchases { get; init; }
    /// <summary>The horizon of <see cref="ExpectedPurchases"/> in weeks.</summary>
    [Id(2)] public double HorizonWeeks { get; init; }
    /// <summary>Expected net spend per purchase.</summary>
    [Id(3)] public double ExpectedSpend { get; init; }
    /// <summary>Customer lifetime value: margin x expected spend x discounted expected purchases.</summary>
    [Id(4)] public double Clv { get; init; }
    /// <summary>Expected cost of serving the customer over the same discounted horizon.</summary>
    [Id(5)] public double CostToServe { get; init; }
    /// <summary>CLV less cost-to-serve.</summary>
    [Id(6)] public double NetValue { get; init; }
    /// <summary>The share of customers with at most this net value (0..1); null (uncalibrated) before the population is measured.</summary>
    [Id(7)] public double? NetValuePercentile { get; init; }
    /// <summary>Recency, frequency and monetary scores 1-5, e.g. "545"; null until the population is measured.</summary>
    [Id(8)] public string? Rfm { get; init; }
    /// <summary>The tier: A, B, C or D; <c>uncalibrated</c> for a profitable customer before the population is measured (D needs no population).</summary>
    [Id(9)] public required string Tier { get; init; }
    /// <summary>The tier's display name from the service policy (e.g. Platinum).</summary>
    [Id(10)] public string? TierName { get; init; }
    /// <summary>The fitted model used (<c>cdnow-2005-default</c> before the first fit).</summary>
    [Id(11)] public required string ModelVersion { get; init; }
    /// <summary>The population measurement used for tiers and RFM (<c>uncalibrated</c> before the first).</summary>
    [Id(12)] public required string PopulationVersion { get; init; }
    /// <summary>
    /// The probability <see cref="ExpectedPurchasesInterval"/> and <see cref="ClvInterval"/> hold (0.9); null, with no
    /// intervals, when the model version stores no parameter uncertainty (the default model, or one fitted before it was measured).
    /// </summary>
    [Id(13)] public double? IntervalLevel { get; init; }
    /// <summary>The interval of <see cref="ExpectedPurchases"/> from the uncertainty of the fitted parameters.</summary>
    [Id(14)] public FigureInterval? ExpectedPurchasesInterval { get; init; }
    /// <summary>The interval of <see cref="Clv"/> from the uncertainty of the fitted parameters.</summary>
    [Id(15)] public FigureInterval? ClvInterval { get; init; }
    /// <summary>A subscriber's contract (sBG renewal probability, DERL, churn risk); null for a customer without a running subscription.</summary>
    [Id(20)] public ContractFigures? Contract { get; init; }
}

/// <summary>
/// Where a figure lies with the probability its <c>IntervalLevel</c> gives, as far as the uncertainty of the model's fitted
/// parameters goes: from <see cref="Low"/> to <see cref="High"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.FigureInterval")]
public sealed record FigureInterval([property: Id(0)] double Low, [property: Id(1)] double High);

/// <summary>A cancellation.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CancellationInfo")]
public sealed record CancellationInfo([property: Id(0)] string? Reason, [property: Id(1)] DateTimeOffset At);
