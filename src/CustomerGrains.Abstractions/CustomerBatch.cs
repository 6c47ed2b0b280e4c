using System.Collections.Immutable;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Abstractions;

/// <summary>
/// A read of many customers at once (<c>POST /api/customers/batch</c>, or the typed client): their snapshots or their
/// decisions for one contact channel. Duplicate ids are answered once.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerBatchQuery")]
public sealed record CustomerBatchQuery
{
    /// <summary>The view of the snapshots.</summary>
    public const string SnapshotView = "snapshot";

    /// <summary>The view of the decisions.</summary>
    public const string DecisionView = "decision";

    /// <summary>The customers to read, at most the configured maximum (<c>Reads:MaxBatchIds</c>, default 100); duplicates are folded.</summary>
    [Id(0)] public ImmutableArray<string> CustomerIds { get; init; } = [];

    /// <summary><c>snapshot</c> (the default) or <c>decision</c>.</summary>
    [Id(1)] public string View { get; init; } = SnapshotView;

    /// <summary>The contact channel of the decisions (default <c>phone</c>); only with the decision view.</summary>
    [Id(2)] public string? Channel { get; init; }

    /// <summary>Why the customers are in contact (free text); only with the decision view.</summary>
    [Id(3)] public string? Reason { get; init; }

    /// <summary>Whether the decisions are asked for.</summary>
    public bool IsDecisionView => View == DecisionView;

    /// <summary>The ids in the order given, each once.</summary>
    public ImmutableArray<string> DistinctIds() => [.. CustomerIds.Distinct(StringComparer.Ordinal)];

    /// <summary>The query in a few words (for the audit trail, beside its view): how many customers, on which channel.</summary>
    public string Describe() => $"batch of {DistinctIds().Length}" + (IsDecisionView ? $", channel {Channel ?? "phone"}" : "");

    /// <summary>
    /// Every problem of the query, each as <c>field: message</c> (empty when it may be read): a view other than snapshot
    /// or decision, no id or more than <paramref name="maxIds"/>, an empty or overlong id, an unknown channel, a channel or
    /// reason with the snapshot view.
    /// </summary>
    public IReadOnlyList<string> Problems(int maxIds)
    {
        var problems = new List<string>();
        var limits = new ValidationOptions();
        if (View is not (SnapshotView or DecisionView))
        {
            problems.Add($"view: '{View}' is not a view of a batch read; expected {SnapshotView} or {DecisionView}");
        }
        if (CustomerIds.IsDefaultOrEmpty)
        {
            problems.Add("customerIds: must name at least one customer");
        }
        else if (CustomerIds.Length > maxIds)
        {
            problems.Add($"customerIds: a batch read may name at most {maxIds} customers; this one names {CustomerIds.Length}. Split it");
        }
        else
        {
            for (var i = 0; i < CustomerIds.Length; i++)
            {
                var id = CustomerIds[i];
                if (string.IsNullOrWhiteSpace(id))
                {
                    problems.Add($"customerIds[{i}]: must not be empty");
                }
                else if (id.Length > limits.MaxIdLength || id.Any(char.IsControl))
                {
                    problems.Add($"customerIds[{i}]: must be at most {limits.MaxIdLength} characters without control characters");
                }
            }
        }
        if (View == SnapshotView && (Channel is not null || Reason is not null))
        {
            problems.Add($"channel: channel and reason belong to the {DecisionView} view; the {SnapshotView} view takes neither");
        }
        if (Channel is not null && !EnumNames.TryParse<Channel>(Channel, out _))
        {
            problems.Add($"channel: '{Channel}' is not a channel; expected one of {EnumNames.List<Channel>()}");
        }
        if (Reason is { } reason && (reason.Length > limits.MaxShortTextLength || reason.Any(char.IsControl)))
        {
            problems.Add($"reason: must be at most {limits.MaxShortTextLength} characters without control characters");
        }
        return problems;
    }
}

/// <summary>
/// The answer to a <see cref="CustomerBatchQuery"/>, in the order asked: the snapshots (snapshot view) or the decisions
/// (decision view) of the customers the engine knows, and the ids of those it does not (no event of theirs applied).
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerBatch")]
public sealed record CustomerBatch
{
    /// <summary>The view answered: <c>snapshot</c> or <c>decision</c>.</summary>
    [Id(0)] public required string View { get; init; }

    /// <summary>The snapshots of the known customers (snapshot view; empty otherwise).</summary>
    [Id(1)] public ImmutableArray<CustomerSnapshot> Customers { get; init; } = [];

    /// <summary>The decisions for the known customers (decision view; empty otherwise).</summary>
    [Id(2)] public ImmutableArray<Decision> Decisions { get; init; } = [];

    /// <summary>The ids no event of which has been applied: reported, not failing the batch.</summary>
    [Id(3)] public ImmutableArray<string> Unknown { get; init; } = [];

    /// <summary>The ids of the customers answered (the known ones).</summary>
    public IEnumerable<string> Found => IsDecision ? Decisions.Select(d => d.CustomerId) : Customers.Select(c => c.CustomerId);

    private bool IsDecision => View == CustomerBatchQuery.DecisionView;
}
