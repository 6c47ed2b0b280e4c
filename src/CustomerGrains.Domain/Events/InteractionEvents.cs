using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace CustomerGrains.Domain.Events;

/// <summary>
/// One interaction of a customer with the company, as it arrives on the interaction stream.
/// Every event carries an idempotency key (<see cref="EventId"/>), the customer it belongs to, the
/// moment it happened (event time, not arrival time) and the system that reported it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PurchaseMade), "purchase")]
[JsonDerivedType(typeof(OrderReturned), "return")]
[JsonDerivedType(typeof(CustomerContacted), "contact")]
[JsonDerivedType(typeof(ComplaintOpened), "complaintOpened")]
[JsonDerivedType(typeof(ComplaintResolved), "complaintResolved")]
[JsonDerivedType(typeof(SurveyAnswered), "survey")]
[JsonDerivedType(typeof(EngagementRecorded), "engagement")]
[JsonDerivedType(typeof(ProfileChanged), "profileChanged")]
[JsonDerivedType(typeof(CustomerCancelled), "cancellation")]
[JsonDerivedType(typeof(NoteAdded), "note")]
[JsonDerivedType(typeof(OfferRecorded), "offer")]
[JsonDerivedType(typeof(SubscriptionStarted), "subscriptionStarted")]
[JsonDerivedType(typeof(SubscriptionCancelled), "subscriptionCancelled")]
public abstract record InteractionEvent
{
    public required string EventId { get; init; }
    public required string CustomerId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Source { get; init; }

    /// <summary>The wire name of this event's type (the JSON <c>type</c> discriminator).</summary>
    [JsonIgnore]
    public abstract string TypeName { get; }
}

/// <summary>An order placed by the customer. <see cref="Amount"/> is what was paid, after <see cref="Discount"/>.</summary>
public sealed record PurchaseMade : InteractionEvent
{
    public required string OrderId { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public ImmutableArray<PurchaseLine> Lines { get; init; } = [];
    public decimal Discount { get; init; }
    public PaymentMethod? PaymentMethod { get; init; }
    public Channel? Channel { get; init; }

    /// <summary>Why the customer bought (e.g. gift, replacement, event), when the shop knows: part of the need profile's why.</summary>
    public string? Reason { get; init; }

    /// <summary>The amount's worth in the base currency, set at ingest (never read from a client); null in events logged before it.</summary>
    public Conversion? Conversion { get; init; }

    public override string TypeName => "purchase";
}

/// <summary>One line of an order.</summary>
public sealed record PurchaseLine(string Category, int Quantity, decimal UnitPrice);

/// <summary>Goods of an order sent back; <see cref="Amount"/> is the refunded amount, in <see cref="Currency"/> (the base currency when not given).</summary>
public sealed record OrderReturned : InteractionEvent
{
    public required string OrderId { get; init; }
    public required decimal Amount { get; init; }
    public string? Currency { get; init; }
    public string? Reason { get; init; }

    /// <summary>The refund's worth in the base currency, set at ingest; null in events logged before it.</summary>
    public Conversion? Conversion { get; init; }
    public override string TypeName => "return";
}

/// <summary>A service contact (call, e-mail, chat, visit), with the customer's mood if the agent noted it.</summary>
public sealed record CustomerContacted : InteractionEvent
{
    public required Channel Channel { get; init; }
    public string? Reason { get; init; }
    public int DurationSeconds { get; init; }
    public string? AgentId { get; init; }
    public Emotion? Emotion { get; init; }
    public override string TypeName => "contact";
}

public sealed record ComplaintOpened : InteractionEvent
{
    public required string ComplaintId { get; init; }
    public required ComplaintSeverity Severity { get; init; }
    public string? Category { get; init; }
    public override string TypeName => "complaintOpened";
}

/// <summary>A complaint closed: whether the customer was satisfied, and whether the resolution granted compensation.</summary>
public sealed record ComplaintResolved : InteractionEvent
{
    public required string ComplaintId { get; init; }
    public bool Satisfied { get; init; }
    public bool Compensated { get; init; }
    public override string TypeName => "complaintResolved";
}

/// <summary>
/// A survey answer: per experience dimension the customer's expectation, experience and the
/// importance of the dimension (each 0-10), and optionally a net-promoter score (0-10).
/// </summary>
public sealed record SurveyAnswered : InteractionEvent
{
    public ImmutableDictionary<ExperienceDimension, SurveyScore> Dimensions { get; init; } =
        ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty;
    public int? Nps { get; init; }
    public override string TypeName => "survey";
}

public sealed record SurveyScore(double Expectation, double Experience, double Importance);

public sealed record EngagementRecorded : InteractionEvent
{
    public required EngagementKind Kind { get; init; }
    public string? Category { get; init; }
    public override string TypeName => "engagement";
}

/// <summary>
/// A change of the customer's profile. Only the fields present change; a present collection replaces
/// the previous one (for phones), or is merged key by key (consents and preferences).
/// </summary>
public sealed record ProfileChanged : InteractionEvent
{
    public string? Name { get; init; }
    public ImmutableArray<string>? Phones { get; init; }
    public string? Email { get; init; }
    public DateOnly? Birthday { get; init; }
    /// <summary>Consent per channel for every purpose (<see cref="ConsentPurpose"/>): true grants, false withdraws.</summary>
    public ImmutableDictionary<ConsentChannel, bool>? Consents { get; init; }

    /// <summary>Consent per channel and purpose, e.g. e-mail for care but not for offers; for one purpose it overrides an older statement in <see cref="Consents"/>.</summary>
    public ImmutableDictionary<ConsentChannel, ImmutableDictionary<ConsentPurpose, bool>>? ConsentsByPurpose { get; init; }
    public ImmutableDictionary<string, string>? Preferences { get; init; }

    /// <summary>The customer's time zone (an IANA id such as <c>Europe/Berlin</c>): preferred hours, birthdays and holidays are in its local time.</summary>
    public string? TimeZone { get; init; }
    public override string TypeName => "profileChanged";
}

/// <summary>The customer ended the relationship (cancelled the contract or asked to be let go).</summary>
public sealed record CustomerCancelled : InteractionEvent
{
    public string? Reason { get; init; }
    public override string TypeName => "cancellation";
}

/// <summary>A note an agent wrote about the customer (e.g. during a call), shown with the latest interactions.</summary>
public sealed record NoteAdded : InteractionEvent
{
    public required string Text { get; init; }
    public string? AgentId { get; init; }
    public override string TypeName => "note";
}

/// <summary>
/// An offer made to the customer under a next best action (a care gift, a birthday greeting, a retention offer), and what
/// became of it: made, accepted, declined. <see cref="Spend"/> is what an accepted offer cost the company, in the base
/// currency: it is spent from the action's budget. Several events of one <see cref="OfferId"/> tell its story.
/// </summary>
public sealed record OfferRecorded : InteractionEvent
{
    public required string OfferId { get; init; }
    public required Decisions.ActionKind Kind { get; init; }
    public required string Action { get; init; }
    public required OfferOutcome Outcome { get; init; }
    public decimal Spend { get; init; }
    public override string TypeName => "offer";
}

/// <summary>What became of an offer: made (not yet answered), accepted (its spend is taken from the budget), declined.</summary>
public enum OfferOutcome { Offered, Accepted, Declined }

public enum Channel { Phone, Email, Chat, Store, Web, App }

/// <summary>
/// The customer's mood at a contact, for service recovery (seed 001's six emotional types). <see cref="SecretlyPleased"/>
/// (窃喜型) is glad of the trouble for what it may bring: an abnormal state of mind, met with appropriate, reasonable and
/// lawful firm measures. New values are appended: stored snapshots and the log name them, other code may count on the order.
/// </summary>
public enum Emotion { Calm, Anxious, Suspicious, Angry, Fearful, SecretlyPleased }

public enum ComplaintSeverity { Low, Medium, High, Critical }

public enum PaymentMethod { Card, Cash, Invoice, BankTransfer, Wallet, Voucher, Other }

public enum ExperienceDimension { Product, Service, Relationship, Convenience, Brand, Price }

public enum EngagementKind { WebVisit, EmailOpen, AppSession }

/// <summary>A channel the customer can consent (or not) to be approached on for marketing.</summary>
public enum ConsentChannel { Email, Sms, Phone, Post, App }

/// <summary>
/// What the customer may be approached for: <see cref="Offers"/> (retention, cross-selling, win-back) or <see cref="Care"/>
/// (care gifts, birthday and holiday greetings). New values are appended.
/// </summary>
public enum ConsentPurpose { Offers, Care }
