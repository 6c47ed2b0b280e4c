namespace CustomerGrains.Domain.Events;

/// <summary>
/// The customer took out a subscription (a contract renewed every month until cancelled): the plan, what it costs each
/// month, and the minimum term agreed (1 for month-to-month, 12 or 24 for a one- or two-year contract). A second start of
/// the same <see cref="SubscriptionId"/> is a change of plan: the newest by event time sets plan, charge and term, and the
/// subscription still counts from its first start.
/// </summary>
public sealed record SubscriptionStarted : InteractionEvent
{
    public required string SubscriptionId { get; init; }
    public required string Plan { get; init; }

    /// <summary>What the subscription costs each month, in <see cref="Currency"/> (the base currency when not given).</summary>
    public required decimal MonthlyCharge { get; init; }
    public string? Currency { get; init; }

    /// <summary>The charge's worth in the base currency, set at ingest (never read from a client).</summary>
    public Conversion? Conversion { get; init; }

    /// <summary>The minimum term in months: 1 (month-to-month) up to <see cref="InteractionValidator.MaxContractMonths"/>.</summary>
    public required int ContractMonths { get; init; }
    public override string TypeName => "subscriptionStarted";
}

/// <summary>The customer cancelled a subscription: it ends at this event's time (a contractual churn).</summary>
public sealed record SubscriptionCancelled : InteractionEvent
{
    public required string SubscriptionId { get; init; }
    public string? Reason { get; init; }
    public override string TypeName => "subscriptionCancelled";
}
