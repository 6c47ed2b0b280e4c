using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Segments;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Hosting;
using Microsoft.OpenApi;

namespace CustomerGrains.Host.Api;

/// <summary>
/// <c>GET /api/customers</c>: customers by tier, stage, value, P(alive), marketing mode and selection quadrant, sorted and
/// cursor-paged; <c>/api/segments</c>: such filters saved under a name, with their members and counts.
/// </summary>
internal static class SegmentEndpoints
{
    /// <summary>The query parameters of a page: read by the handlers themselves, so every problem is named at once.</summary>
    private static readonly QueryParameter[] PageQuery =
    [
        new("limit", JsonSchemaType.Integer, $"How many customers a page holds, 1 to {CustomerListQuery.MaxLimit} (default {CustomerListQuery.DefaultLimit})."),
        new("cursor", JsonSchemaType.String, "The next of the previous page; absent for the first page."),
    ];

    /// <summary>The query parameters of a list: the filter, the sort and the page.</summary>
    private static readonly QueryParameter[] ListQuery =
    [
        new("tier", JsonSchemaType.String, "Only customers of this value tier."),
        new("stage", JsonSchemaType.String, "Only customers in this lifecycle stage."),
        new("minNetValue", JsonSchemaType.Number, "Only customers whose net value is at least this."),
        new("maxNetValue", JsonSchemaType.Number, "Only customers whose net value is at most this."),
        new("minPAlive", JsonSchemaType.Number, "Only customers whose P(alive) is at least this (0 to 1)."),
        new("maxPAlive", JsonSchemaType.Number, "Only customers whose P(alive) is at most this (0 to 1)."),
        new("marketingMode", JsonSchemaType.String, "Only customers in this marketing mode."),
        new("quadrant", JsonSchemaType.String, "Only customers in this selection quadrant."),
        new("sort", JsonSchemaType.String, "customerId (default), netValue, -netValue, pAlive or -pAlive."),
        .. PageQuery,
    ];

    private static readonly string[] ListParameters = [.. ListQuery.Select(q => q.Name)];

    private static readonly string[] PageParameters = [.. PageQuery.Select(q => q.Name)];

    private const string InvalidList = "The list's parameters are invalid; nothing was read";
    private const string InvalidSegment = "The segment is invalid; nothing was saved";

    // A definition is read strictly: a misspelt member ("teir") is refused, not ignored into a wider segment.
    private static readonly JsonSerializerOptions DefinitionJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static RouteGroupBuilder MapSegmentEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers", ListCustomersAsync)
            .RequireAuthorization(Access.ReadSegments)
            .WithName("ListCustomers")
            .ReadsQuery(ListQuery)
            .WithSummary("Customers by filter (tier, stage, minNetValue, maxNetValue, minPAlive, maxPAlive, marketingMode, quadrant), sorted and cursor-paged, with the count")
            .WithDescription("Every condition given must hold. sort is customerId (default), netValue, -netValue, pAlive or -pAlive; limit 1 to 500 " +
                             "(default 50); cursor is the next of the previous page. The figures are those each customer's grain last wrote to the " +
                             "read model (within Snapshots:Interval of a change). A bad parameter is answered 400 naming it.")
            .Produces<CustomerPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/segments", ListSegmentsAsync)
            .RequireAuthorization(Access.ReadSegments)
            .WithName("ListSegments")
            .WithSummary("Every saved segment by name, each with its definition and how many customers it holds now")
            .Produces<SavedSegment[]>();
        api.MapPut("/segments/{name}", SaveSegmentAsync)
            .RequireAuthorization(Access.WriteSegments)
            .WithName("SaveSegment")
            .WithSummary("Saves a segment: a filter, the sort of its members and a description; 201 when new, 200 when replaced")
            .Accepts<SegmentDefinition>("application/json")
            .Produces<SavedSegment>()
            .Produces<SavedSegment>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/segments/{name}", GetSegmentAsync)
            .RequireAuthorization(Access.ReadSegments)
            .WithName("GetSegment")
            .WithSummary("A saved segment with how many customers it holds now")
            .Produces<SavedSegment>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/segments/{name}/members", SegmentMembersAsync)
            .RequireAuthorization(Access.ReadSegments)
            .WithName("GetSegmentMembers")
            .ReadsQuery(PageQuery)
            .WithSummary("A page of a segment's members in its sort, with their count; page with limit and cursor")
            .Produces<CustomerPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/segments/{name}", DeleteSegmentAsync)
            .RequireAuthorization(Access.WriteSegments)
            .WithName("DeleteSegment")
            .WithSummary("Deletes a saved segment (204), or 404 when none is saved under the name")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> ListCustomersAsync(
        HttpRequest request, CustomerSegments segments, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = UnknownParameters(request.Query, ListParameters);
        var query = request.Query;
        var filter = new CustomerFilter
        {
            Tier = query["tier"].FirstOrDefault(),
            Stage = query["stage"].FirstOrDefault(),
            MarketingMode = query["marketingMode"].FirstOrDefault(),
            SelectionQuadrant = query["quadrant"].FirstOrDefault(),
            MinNetValue = Number(query, "minNetValue", problems),
            MaxNetValue = Number(query, "maxNetValue", problems),
            MinPAlive = Number(query, "minPAlive", problems),
            MaxPAlive = Number(query, "maxPAlive", problems),
        };
        var list = new CustomerListQuery
        {
            Filter = filter,
            Sort = query["sort"].FirstOrDefault(),
            After = query["cursor"].FirstOrDefault(),
            Limit = Limit(query, problems),
        };
        problems.AddRange(list.Problems().Select(HttpName));
        if (problems.Count > 0)
        {
            return Problems.InvalidQuery(InvalidList, problems);
        }
        return await PageAsync(await segments.ListAsync(list, cancellationToken), null, auditing, user, cancellationToken);
    }

    private static async Task<IResult> SegmentMembersAsync(
        string name, HttpRequest request, CustomerSegments segments, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var problems = UnknownParameters(request.Query, PageParameters);
        var limit = Limit(request.Query, problems);
        if (problems.Count > 0)
        {
            return Problems.InvalidQuery(InvalidList, problems);
        }
        var answer = await segments.MembersAsync(name, request.Query["cursor"].FirstOrDefault(), limit, cancellationToken);
        return answer.UnknownSegment ? UnknownSegment(name) : await PageAsync(answer, name, auditing, user, cancellationToken);
    }

    /// <summary>The page, audited (one entry naming every customer on it), or the query's problems under the HTTP names.</summary>
    private static async Task<IResult> PageAsync(
        CustomerPageAnswer answer, string? segment, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (answer.Page is not { } page)
        {
            return Problems.InvalidQuery(InvalidList, [.. answer.Problems.Select(HttpName)]);
        }
        if (page.Customers.Length > 0)
        {
            await auditing.RecordAsync(user, page.Customers.Select(c => c.CustomerId), "list",
                segment is null ? "customer list" : $"segment {segment}", cancellationToken);
        }
        return Results.Ok(page);
    }

    private static async Task<IResult> ListSegmentsAsync(CustomerSegments segments, CancellationToken cancellationToken) =>
        Results.Ok(await segments.ListSegmentsAsync(cancellationToken));

    private static async Task<IResult> GetSegmentAsync(string name, CustomerSegments segments, CancellationToken cancellationToken) =>
        await segments.GetAsync(name, cancellationToken) is { } segment ? Results.Ok(segment) : UnknownSegment(name);

    private static async Task<IResult> DeleteSegmentAsync(string name, CustomerSegments segments, CancellationToken cancellationToken) =>
        await segments.DeleteAsync(name, cancellationToken) ? Results.NoContent() : UnknownSegment(name);

    private static async Task<IResult> SaveSegmentAsync(string name, HttpRequest request, CustomerSegments segments, CancellationToken cancellationToken)
    {
        var (document, invalid) = await Problems.ReadJsonAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        SegmentDefinition? definition;
        using (document)
        {
            if (document!.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problems.InvalidQuery(InvalidSegment, ["body: must be a JSON object with filter, sort and description"]);
            }
            try
            {
                definition = document.RootElement.Deserialize<SegmentDefinition>(DefinitionJson);
            }
            catch (JsonException ex)
            {
                // The reader names the member ($.filter.minNetValue) and why; the message's own path suffix is dropped.
                var field = ex.Path is { Length: > 2 } path ? path[2..] : "body";
                return Problems.InvalidQuery(InvalidSegment, [$"{field}: {ex.Message.Split(" Path:", 2)[0]}"]);
            }
        }
        var answer = await segments.SaveAsync(name, definition ?? new SegmentDefinition(), cancellationToken);
        if (answer.Segment is not { } saved)
        {
            return Problems.InvalidQuery(InvalidSegment, answer.Problems);
        }
        return answer.Created ? Results.Created($"/api/segments/{saved.Name}", saved) : Results.Ok(saved);
    }

    private static IResult UnknownSegment(string name) => Problems.NotFound("Unknown segment", $"No segment is saved under the name '{name}'.");

    /// <summary>A problem for every query parameter the endpoint does not take: a misspelt filter must not widen the list silently.</summary>
    internal static List<string> UnknownParameters(IQueryCollection query, string[] known) =>
        [.. query.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal))
            .Select(k => $"{k}: is not a parameter of this list; it takes {string.Join(", ", known)}")];

    private static double? Number(IQueryCollection query, string name, List<string> problems)
    {
        if (query[name].FirstOrDefault() is not { } text)
        {
            return null;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        problems.Add($"{name}: '{text}' is not a number");
        return null;
    }

    private static int? Limit(IQueryCollection query, List<string> problems)
    {
        if (query["limit"].FirstOrDefault() is not { } text)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        problems.Add($"limit: '{text}' is not a whole number; give 1 to {CustomerListQuery.MaxLimit}");
        return null;
    }

    /// <summary>A problem of the query model under the name the HTTP API gives the parameter.</summary>
    private static string HttpName(string problem) =>
        problem.StartsWith("selectionQuadrant:", StringComparison.Ordinal) ? "quadrant:" + problem["selectionQuadrant:".Length..]
        : problem.StartsWith("after:", StringComparison.Ordinal) ? "cursor:" + problem["after:".Length..]
        : problem;
}
