using System.Collections.Immutable;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Abstractions;

/// <summary>
/// The compact card a ringing call pops: who is calling, what they are worth, where they stand and what to do now,
/// with their open complaints and latest interactions. It carries what an agent reads in the first seconds of a call;
/// the full card (<see cref="CustomerCard"/>: every figure, the need profile and the whole decision) stays available.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ScreenPopCard")]
public sealed record ScreenPopCard
{
    /// <summary>The customer id.</summary>
    [Id(0)] public required string CustomerId { get; init; }
    /// <summary>The moment the card's time-dependent figures were computed for.</summary>
    [Id(1)] public required DateTimeOffset AsOf { get; init; }
    /// <summary>The customer's name.</summary>
    [Id(2)] public string? Name { get; init; }
    /// <summary>Phone numbers as given (masked for viewers who may not see them whole).</summary>
    [Id(3)] public ImmutableArray<string> Phones { get; init; } = [];
    /// <summary>E-mail address (masked for viewers who may not see it whole).</summary>
    [Id(4)] public string? Email { get; init; }
    /// <summary>The value tier: A, B, C or D (null when the customer could not be assessed).</summary>
    [Id(5)] public string? Tier { get; init; }
    /// <summary>The tier's display name from the service policy (e.g. Platinum).</summary>
    [Id(6)] public string? TierName { get; init; }
    /// <summary>CLV less cost-to-serve; the household of a number is listed by it, highest first.</summary>
    [Id(7)] public double? NetValue { get; init; }
    /// <summary>The lifecycle stage (camelCase, e.g. <c>stability</c>).</summary>
    [Id(8)] public string? Stage { get; init; }
    /// <summary>The service level the tier earns.</summary>
    [Id(9)] public string? ServiceLevel { get; init; }
    /// <summary>Routing priority: 1 is served first.</summary>
    [Id(10)] public int? RoutingPriority { get; init; }
    /// <summary>The recovery script for the customer's mood, when one applies.</summary>
    [Id(11)] public string? RecoveryScript { get; init; }
    /// <summary>Whether to apologise (an open complaint).</summary>
    [Id(12)] public bool Apologise { get; init; }
    /// <summary>Whether compensation may be offered, up to <see cref="CompensationLimit"/>.</summary>
    [Id(13)] public bool CompensationEligible { get; init; }
    /// <summary>The most compensation the agent may offer.</summary>
    [Id(14)] public decimal CompensationLimit { get; init; }
    /// <summary>The next best actions the customer's consent allows, most important first (action names).</summary>
    [Id(15)] public ImmutableArray<string> Actions { get; init; } = [];
    /// <summary>The customer's mood at the latest contact where it was noted.</summary>
    [Id(16)] public MoodInfo? LastMood { get; init; }
    /// <summary>Complaints not yet resolved, oldest first.</summary>
    [Id(17)] public ImmutableArray<ComplaintInfo> OpenComplaints { get; init; } = [];
    /// <summary>The latest interactions, newest first, each with a one-line description.</summary>
    [Id(18)] public IReadOnlyList<RecentInteraction> RecentInteractions { get; init; } = [];
    /// <summary>The service policy the decision was taken under.</summary>
    [Id(19)] public string? PolicyVersion { get; init; }
    /// <summary>A subscriber's contract: renewal probability, DERL, churn risk; null for a customer without a running subscription.</summary>
    [Id(30)] public ContractFigures? Contract { get; init; }

    /// <summary>The card with phone numbers and e-mail reduced to what confirms them (the last digits, the first letter and domain).</summary>
    public ScreenPopCard Masked() => this with
    {
        Phones = [.. Phones.Select(Masking.Phone)],
        Email = Email is { } email ? Masking.Email(email) : null,
    };
}
