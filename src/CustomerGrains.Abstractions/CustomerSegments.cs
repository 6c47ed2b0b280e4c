using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Lifecycle;

namespace CustomerGrains.Abstractions;

/// <summary>
/// Which customers a list or a segment holds, as the read model knows them (the assessment each customer's grain made
/// when it last wrote its row): every condition given must hold. Names are read in any letter case and kept in their
/// wire form (<c>A</c>, <c>decline</c>, <c>customised</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerFilter")]
public sealed record CustomerFilter
{
    /// <summary>The tier (<c>A</c> to <c>D</c>, or <c>uncalibrated</c> before the population is measured).</summary>
    [Id(0)] public string? Tier { get; init; }

    /// <summary>The lifecycle stage (<c>prospect</c>, <c>exploration</c>, <c>formation</c>, <c>stability</c>, <c>decline</c>, <c>churned</c>).</summary>
    [Id(1)] public string? Stage { get; init; }

    /// <summary>The marketing mode (<c>customised</c>, <c>frequency</c>, <c>mass</c>, <c>abandon</c>).</summary>
    [Id(2)] public string? MarketingMode { get; init; }

    /// <summary>The selection quadrant (<c>focus</c>, <c>opportunistic</c>, <c>passive</c>, <c>abandon</c>).</summary>
    [Id(3)] public string? SelectionQuadrant { get; init; }

    /// <summary>The least net value (base currency), inclusive.</summary>
    [Id(4)] public double? MinNetValue { get; init; }

    /// <summary>The greatest net value (base currency), inclusive.</summary>
    [Id(5)] public double? MaxNetValue { get; init; }

    /// <summary>The least P(alive), 0 to 1, inclusive.</summary>
    [Id(6)] public double? MinPAlive { get; init; }

    /// <summary>The greatest P(alive), 0 to 1, inclusive.</summary>
    [Id(7)] public double? MaxPAlive { get; init; }

    /// <summary>The tier names a filter takes.</summary>
    public static string TierList { get; } = string.Join(", ", Enum.GetNames<Domain.Value.Tier>()) + ", " + ValueView.Uncalibrated;

    /// <summary>Every problem of the filter, each as <c>field: message</c>; empty when it may be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Tier is not null && TierName(Tier) is null)
        {
            problems.Add($"tier: '{Tier}' is not a tier; expected one of {TierList}");
        }
        CheckName<LifecycleStage>(problems, "stage", Stage);
        CheckName<MarketingMode>(problems, "marketingMode", MarketingMode);
        CheckName<SelectionQuadrant>(problems, "selectionQuadrant", SelectionQuadrant);
        CheckRange(problems, "NetValue", MinNetValue, MaxNetValue, double.MinValue, double.MaxValue);
        CheckRange(problems, "PAlive", MinPAlive, MaxPAlive, 0, 1);
        return problems;
    }

    /// <summary>The filter with every name in its wire form; only for a filter without <see cref="Problems"/>.</summary>
    public CustomerFilter Normalized() => this with
    {
        Tier = Tier is null ? null : TierName(Tier),
        Stage = WireName<LifecycleStage>(Stage),
        MarketingMode = WireName<MarketingMode>(MarketingMode),
        SelectionQuadrant = WireName<SelectionQuadrant>(SelectionQuadrant),
    };

    private static string? TierName(string tier) =>
        string.Equals(tier, ValueView.Uncalibrated, StringComparison.OrdinalIgnoreCase) ? ValueView.Uncalibrated
        : Enum.GetNames<Domain.Value.Tier>().FirstOrDefault(n => string.Equals(n, tier, StringComparison.OrdinalIgnoreCase));

    private static string? WireName<T>(string? text) where T : struct, Enum =>
        text is not null && EnumNames.TryParse<T>(text, out var value) ? EnumNames.Of(value) : null;

    private static void CheckName<T>(List<string> problems, string field, string? text) where T : struct, Enum
    {
        if (text is not null && !EnumNames.TryParse<T>(text, out _))
        {
            problems.Add($"{field}: '{text}' is not one of {EnumNames.List<T>()}");
        }
    }

    private static void CheckRange(List<string> problems, string name, double? min, double? max, double least, double greatest)
    {
        foreach (var (field, value) in new[] { ("min" + name, min), ("max" + name, max) })
        {
            if (value is { } v && (!double.IsFinite(v) || v < least || v > greatest))
            {
                problems.Add(least == 0 ? $"{field}: must be a number from 0 to 1" : $"{field}: must be a finite number");
            }
        }
        if (min is { } low && max is { } high && double.IsFinite(low) && double.IsFinite(high) && low > high)
        {
            problems.Add($"min{name}: must not exceed max{name} ({high.ToString(CultureInfo.InvariantCulture)})");
        }
    }
}

/// <summary>
/// A page of the customers a filter holds (<c>GET /api/customers</c>, a segment's members, or the typed client), sorted
/// by <see cref="Sort"/> and paged with the cursor of the previous page.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerListQuery")]
public sealed record CustomerListQuery
{
    /// <summary>Sort by customer id (the default): every customer of the filter.</summary>
    public const string ByCustomerId = "customerId";

    /// <summary>The sorts a list takes: by id, or by net value or P(alive), ascending or (with a leading <c>-</c>) descending.</summary>
    public static ImmutableArray<string> Sorts { get; } = [ByCustomerId, "netValue", "-netValue", "pAlive", "-pAlive"];

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>Which customers.</summary>
    [Id(0)] public CustomerFilter Filter { get; init; } = new();

    /// <summary>One of <see cref="Sorts"/> (default <c>customerId</c>). Sorting by a figure leaves out customers without it.</summary>
    [Id(1)] public string? Sort { get; init; }

    /// <summary>The cursor of the previous page (<see cref="CustomerPage.Next"/>), or null for the first page.</summary>
    [Id(2)] public string? After { get; init; }

    /// <summary>The page size, 1 to <see cref="MaxLimit"/> (default <see cref="DefaultLimit"/>).</summary>
    [Id(3)] public int? Limit { get; init; }

    /// <summary>The sort in force.</summary>
    public string SortOrDefault => Sort ?? ByCustomerId;

    /// <summary>Every problem of the query, each as <c>field: message</c>: the filter's, an unknown sort, a bad limit or cursor.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(Filter?.Problems() ?? ["filter: must be given"]);
        if (!Sorts.Contains(SortOrDefault))
        {
            problems.Add($"sort: '{Sort}' is not a sort; expected one of {string.Join(", ", Sorts)}");
        }
        if (Limit is < 1 or > MaxLimit)
        {
            problems.Add($"limit: must be 1 to {MaxLimit}");
        }
        if (After is not null && Sorts.Contains(SortOrDefault) && ListCursor.Read(After, SortOrDefault) is null)
        {
            problems.Add($"after: '{After}' is not a cursor of a list sorted by {SortOrDefault}; pass the next of the previous page");
        }
        return problems;
    }
}

/// <summary>
/// Where a page ended: the last customer's sort value and id. Written into <see cref="CustomerPage.Next"/> as opaque text
/// naming its sort, so a cursor is only taken back by a list of the same sort.
/// </summary>
public sealed record ListCursor(string Sort, double? Value, string CustomerId)
{
    /// <summary>The cursor as text.</summary>
    public string Write() => Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Sort}|{Value?.ToString("R", CultureInfo.InvariantCulture)}|{CustomerId}"))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The cursor of <paramref name="text"/> for a list sorted by <paramref name="sort"/>, or null when it is not one.</summary>
    public static ListCursor? Read(string text, string sort)
    {
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='))).Split('|', 3);
            if (parts.Length != 3 || parts[0] != sort || parts[2].Length == 0)
            {
                return null;
            }
            if (sort == CustomerListQuery.ByCustomerId)
            {
                return parts[1].Length == 0 ? new ListCursor(sort, null, parts[2]) : null;
            }
            return double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? new ListCursor(sort, value, parts[2])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>One customer in a list: what the read model knows of them, as of <see cref="UpdatedAt"/>.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerListing")]
public sealed record CustomerListing
{
    /// <summary>The customer.</summary>
    [Id(0)] public required string CustomerId { get; init; }

    /// <summary>The tier, or null when the models could not assess the customer (or their row predates segments).</summary>
    [Id(1)] public string? Tier { get; init; }

    /// <summary>The lifecycle stage recorded for the customer.</summary>
    [Id(2)] public string? Stage { get; init; }

    /// <summary>Net value (base currency).</summary>
    [Id(3)] public double? NetValue { get; init; }

    /// <summary>P(alive), 0 to 1.</summary>
    [Id(4)] public double? PAlive { get; init; }

    /// <summary>The marketing mode, or null when the policy could not decide for the customer.</summary>
    [Id(5)] public string? MarketingMode { get; init; }

    /// <summary>The selection quadrant, or null when the policy could not decide for the customer.</summary>
    [Id(6)] public string? SelectionQuadrant { get; init; }

    /// <summary>How many purchases the customer made.</summary>
    [Id(7)] public int Purchases { get; init; }

    /// <summary>Net spend in the base currency.</summary>
    [Id(8)] public double NetSpend { get; init; }

    /// <summary>When the customer last bought.</summary>
    [Id(9)] public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>When the customer's grain wrote this row (the moment of the assessment).</summary>
    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A page of a list: its customers, how many the filter holds in all, and the cursor of the next page.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerPage")]
public sealed record CustomerPage
{
    /// <summary>The customers of the page, in the list's sort.</summary>
    [Id(0)] public ImmutableArray<CustomerListing> Customers { get; init; } = [];

    /// <summary>How many customers the filter holds (with the sort's figure, when sorted by one), on every page.</summary>
    [Id(1)] public int Count { get; init; }

    /// <summary>The cursor of the next page (the <c>after</c> of the next request), or null on the last page.</summary>
    [Id(2)] public string? Next { get; init; }
}

/// <summary>A list through the typed client: the page, or every problem of the query, or (for a segment) that there is no such segment.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerPageAnswer")]
public sealed record CustomerPageAnswer
{
    /// <summary>The page; null when the query was refused or the segment is unknown.</summary>
    [Id(0)] public CustomerPage? Page { get; init; }

    /// <summary>Every problem of a refused query, each as <c>field: message</c>.</summary>
    [Id(1)] public ImmutableArray<string> Problems { get; init; } = [];

    /// <summary>The segment asked for is not saved.</summary>
    [Id(2)] public bool UnknownSegment { get; init; }
}

/// <summary>What a saved segment is: a filter, the sort of its member lists, and what it is for.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.SegmentDefinition")]
public sealed record SegmentDefinition
{
    /// <summary>Which customers the segment holds.</summary>
    [Id(0)] public CustomerFilter Filter { get; init; } = new();

    /// <summary>The sort of the members (one of <see cref="CustomerListQuery.Sorts"/>; default <c>customerId</c>).</summary>
    [Id(1)] public string? Sort { get; init; }

    /// <summary>What the segment is for, in a few words (at most 500 characters).</summary>
    [Id(2)] public string? Description { get; init; }

    private static readonly Regex NamePattern = new("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

    /// <summary>Whether <paramref name="name"/> may name a segment: 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.</summary>
    public static bool IsName(string? name) => name is not null && NamePattern.IsMatch(name);

    /// <summary>Every problem of the segment <paramref name="name"/> with this definition, each as <c>field: message</c>.</summary>
    public IReadOnlyList<string> Problems(string? name)
    {
        var problems = new List<string>();
        if (!IsName(name))
        {
            problems.Add($"name: '{name}' is not a segment name; use 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
        problems.AddRange(new CustomerListQuery { Filter = Filter, Sort = Sort }.Problems()
            .Select(p => p.StartsWith("sort:", StringComparison.Ordinal) || p.StartsWith("filter:", StringComparison.Ordinal) ? p : "filter." + p));
        if (Description is { Length: > 500 })
        {
            problems.Add("description: must be at most 500 characters");
        }
        return problems;
    }
}

/// <summary>A saved segment: its definition, when it was saved, and how many customers it holds now.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.SavedSegment")]
public sealed record SavedSegment
{
    /// <summary>The segment's name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Its filter, sort and description (names normalised).</summary>
    [Id(1)] public required SegmentDefinition Definition { get; init; }

    /// <summary>When it was first saved.</summary>
    [Id(2)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last saved.</summary>
    [Id(3)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How many customers the segment holds as the read model stands now.</summary>
    [Id(4)] public int Count { get; init; }
}

/// <summary>A segment saved through the typed client: the segment as stored and whether it is new, or every problem of the definition.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.SegmentSaveAnswer")]
public sealed record SegmentSaveAnswer
{
    /// <summary>The segment as stored; null when refused.</summary>
    [Id(0)] public SavedSegment? Segment { get; init; }

    /// <summary>The name was not saved before.</summary>
    [Id(1)] public bool Created { get; init; }

    /// <summary>Every problem of a refused definition, each as <c>field: message</c>.</summary>
    [Id(2)] public ImmutableArray<string> Problems { get; init; } = [];
}
