using System.Collections.Immutable;

namespace CustomerGrains.Abstractions;

/// <summary>
/// One change of a customer that matters to people, as the change feed publishes it (<c>GET /api/changes</c>, the typed
/// client): a new tier, lifecycle stage, marketing mode or selection quadrant, entering or leaving a saved segment, or a
/// lifecycle alert. Each is published once, at a durable <see cref="Position"/>; one customer's changes are in the order
/// they happened.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerChange")]
public sealed record CustomerChange
{
    /// <summary>Where the change is in the feed: greater than every change published before it. Pass the last one seen as <c>after</c> to resume.</summary>
    [Id(0)] public long Position { get; init; }

    /// <summary>The customer who changed.</summary>
    [Id(1)] public required string CustomerId { get; init; }

    /// <summary>What changed: one of <see cref="CustomerChangeKinds"/>.</summary>
    [Id(2)] public required string Kind { get; init; }

    /// <summary>The value before (null for a customer new to the feed); for <c>segmentLeft</c> the segment left; for an alert the stage before.</summary>
    [Id(3)] public string? From { get; init; }

    /// <summary>The value after (null when the models could no longer assess it); for <c>segmentEntered</c> the segment entered; for an alert the stage after.</summary>
    [Id(4)] public string? To { get; init; }

    /// <summary>When the engine noticed the change (the assessment that found it).</summary>
    [Id(5)] public DateTimeOffset At { get; init; }

    /// <summary>For an alert, its kind and reasons (<c>stageChangedByTime: ...</c>); otherwise null.</summary>
    [Id(6)] public string? Detail { get; init; }
}

/// <summary>The kinds of <see cref="CustomerChange"/>.</summary>
public static class CustomerChangeKinds
{
    /// <summary>The value tier (<c>A</c> to <c>D</c>, <c>uncalibrated</c>).</summary>
    public const string Tier = "tier";

    /// <summary>The lifecycle stage, moved by an event or by time alone (the lifecycle sweep).</summary>
    public const string Stage = "stage";

    /// <summary>The marketing mode the policy assigns.</summary>
    public const string MarketingMode = "marketingMode";

    /// <summary>The selection quadrant the policy assigns.</summary>
    public const string SelectionQuadrant = "selectionQuadrant";

    /// <summary>The customer now meets a saved segment's filter (the segment's name in <see cref="CustomerChange.To"/>).</summary>
    public const string SegmentEntered = "segmentEntered";

    /// <summary>The customer no longer meets a saved segment's filter (the segment's name in <see cref="CustomerChange.From"/>).</summary>
    public const string SegmentLeft = "segmentLeft";

    /// <summary>A lifecycle alert (as <c>GET /api/alerts</c> lists it): the stages in From and To, kind and reasons in Detail.</summary>
    public const string Alert = "alert";
}

/// <summary>A page of the change feed: the changes after the position asked for, oldest first, and where to go on from.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ChangePage")]
public sealed record ChangePage
{
    /// <summary>The changes, in position order.</summary>
    [Id(0)] public ImmutableArray<CustomerChange> Changes { get; init; } = [];

    /// <summary>The <c>after</c> of the next request: the last change's position, or the position asked for when the page is empty.</summary>
    [Id(1)] public long Next { get; init; }
}

/// <summary>A page of the change feed through the typed client, or every problem of the request.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ChangePageAnswer")]
public sealed record ChangePageAnswer
{
    /// <summary>The page; null when the request was refused.</summary>
    [Id(0)] public ChangePage? Page { get; init; }

    /// <summary>Every problem of a refused request, each as <c>field: message</c>.</summary>
    [Id(1)] public ImmutableArray<string> Problems { get; init; } = [];
}

/// <summary>What a read of the change feed may ask for.</summary>
public static class ChangeFeedLimits
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The longest a read waits for a change (long poll), in seconds.</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>Every problem of a read after <paramref name="after"/> of <paramref name="limit"/> changes, each as <c>field: message</c>.</summary>
    public static IReadOnlyList<string> Problems(long after, int? limit, int? waitSeconds = null)
    {
        var problems = new List<string>();
        if (after < 0)
        {
            problems.Add("after: must be a position (0 or the position of the last change seen), not negative");
        }
        if (limit is < 1 or > MaxLimit)
        {
            problems.Add($"limit: must be 1 to {MaxLimit}");
        }
        if (waitSeconds is < 0 or > MaxWaitSeconds)
        {
            problems.Add($"wait: must be 0 to {MaxWaitSeconds} seconds");
        }
        return problems;
    }
}
