using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>
/// Lists and saved segments over real HTTP, as a backend service and a supervisor use them, against a host whose only
/// customers are the ones <see cref="SeedAsync"/> ingests (so every list is known in full). The SQLite host tests and the
/// PostgreSQL cluster tests run the same checks.
/// </summary>
public sealed class SegmentScenario(Uri baseAddress) : IDisposable
{
    /// <summary>How many customers the scenario ingests.</summary>
    public const int Customers = 14;

    private readonly ApiClient service = new(baseAddress);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// Ingests customers of different spend, frequency and recency, and waits until every one is in the read model with
    /// its figures (each grain writes its row when its state changed, within the snapshot interval).
    /// </summary>
    public async Task SeedAsync(TimeSpan? timeout = null)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new List<JsonObject>();
        for (var i = 0; i < Customers; i++)
        {
            var id = Id(i);
            var purchases = i % 4 + 1;
            var last = now.AddDays(-(i * 23 % 300) - 1);
            for (var p = 0; p < purchases; p++)
            {
                events.Add(EventJson.Purchase($"{id}-p{p}", id, last.AddDays(-40 * p), 15m + i * 37m + p * 11m, $"{id}-o{p}"));
            }
        }
        var (status, body) = await service.PostEventsAsync(EventJson.Batch([.. events]));
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        await Eventually.UntilAsync(
            async () => Listings(await ExpectOkAsync($"/api/customers?limit={CustomerLimit}")),
            all => all.Count == Customers && all.All(c => c.GetProperty("netValue").ValueKind == JsonValueKind.Number),
            $"all {Customers} customers to be listed with their figures", timeout);
    }

    private const int CustomerLimit = 500;

    private static string Id(int i) => $"seg-{i:D2}";

    /// <summary>Every filter keeps exactly the customers of the whole list that meet it, and the rows carry the customers' own assessment.</summary>
    public async Task FiltersKeepExactlyTheCustomersThatMeetThemAsync()
    {
        var all = Listings(await ExpectOkAsync($"/api/customers?limit={CustomerLimit}"));
        Assert.Equal(Enumerable.Range(0, Customers).Select(Id), all.Select(CustomerId));

        // The rows are the customers' assessments: tier and stage as the customer's own snapshot says them.
        foreach (var row in all.Take(4))
        {
            var (_, snapshot) = await service.GetCustomerAsync(CustomerId(row));
            Assert.Equal(snapshot.GetProperty("value").GetProperty("tier").GetString(), row.GetProperty("tier").GetString());
            Assert.Equal(snapshot.GetProperty("lifecycle").GetProperty("stage").GetString(), row.GetProperty("stage").GetString());
        }

        var values = all.Select(c => c.GetProperty("netValue").GetDouble()).Order().ToList();
        var middle = values[values.Count / 2];
        await ExpectSameAsync($"/api/customers?minNetValue={middle:R}&limit={CustomerLimit}", all.Where(c => c.GetProperty("netValue").GetDouble() >= middle));
        await ExpectSameAsync($"/api/customers?maxNetValue={middle:R}&limit={CustomerLimit}", all.Where(c => c.GetProperty("netValue").GetDouble() <= middle));

        var alive = all.Select(c => c.GetProperty("pAlive").GetDouble()).Order().ToList();
        var half = alive[alive.Count / 2];
        await ExpectSameAsync($"/api/customers?maxPAlive={half:R}&limit={CustomerLimit}", all.Where(c => c.GetProperty("pAlive").GetDouble() <= half));

        var stages = all.GroupBy(c => c.GetProperty("stage").GetString()!).ToList();
        foreach (var stage in stages)
        {
            // Names are read in any case: the wire form comes back.
            await ExpectSameAsync($"/api/customers?stage={stage.Key.ToUpperInvariant()}&limit={CustomerLimit}", stage);
        }
        var tier = all[0].GetProperty("tier").GetString()!;
        await ExpectSameAsync($"/api/customers?tier={tier}&stage={stages[0].Key}&minNetValue={middle:R}&limit={CustomerLimit}",
            all.Where(c => c.GetProperty("tier").GetString() == tier && c.GetProperty("stage").GetString() == stages[0].Key
                           && c.GetProperty("netValue").GetDouble() >= middle));
        // Every customer here is assessed, so the policy decided a marketing mode and a selection quadrant for each.
        Assert.All(all, c => Assert.NotNull(Text(c, "marketingMode")));
        var mode = Text(all[^1], "marketingMode");
        var quadrant = Text(all[^1], "selectionQuadrant");
        await ExpectSameAsync($"/api/customers?marketingMode={mode}&quadrant={quadrant}&limit={CustomerLimit}",
            all.Where(c => Text(c, "marketingMode") == mode && Text(c, "selectionQuadrant") == quadrant));
        // A filter no customer meets: an empty page, a count of 0, no next page.
        var none = await ExpectOkAsync("/api/customers?minNetValue=1e12");
        Assert.Equal(0, none.GetProperty("count").GetInt32());
        Assert.Empty(none.GetProperty("customers").EnumerateArray());
        Assert.Null(Text(none, "next"));
    }

    /// <summary>Paging through a sorted list page by page meets every customer once, in the sort, and every page counts the whole list.</summary>
    public async Task PagingThroughASortedListMeetsEveryCustomerOnceAsync()
    {
        foreach (var sort in new[] { "-netValue", "pAlive", "customerId" })
        {
            var seen = new List<JsonElement>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await ExpectOkAsync($"/api/customers?sort={sort}&limit=4" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                Assert.Equal(Customers, page.GetProperty("count").GetInt32());
                var customers = Listings(page);
                Assert.InRange(customers.Count, 1, 4);
                seen.AddRange(customers);
                cursor = Text(page, "next");
                pages++;
            }
            while (cursor is not null && pages <= Customers);

            Assert.Equal((Customers + 3) / 4, pages);
            var ids = seen.Select(CustomerId).ToList();
            Assert.Equal(Customers, ids.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, Customers).Select(Id).Order(), ids.Order());
            var keys = seen.Select(c => sort == "customerId" ? 0 : c.GetProperty(sort.TrimStart('-')).GetDouble()).ToList();
            var expected = sort.StartsWith('-') ? keys.OrderDescending() : keys.Order();
            Assert.Equal(expected, keys);
            if (sort == "customerId")
            {
                Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
            }
        }
    }

    /// <summary>Bad parameters are refused with a problem naming each of them and why.</summary>
    public async Task BadParametersAreRefusedNamingEachOfThemAsync()
    {
        var (status, problem) = await GetAsync("/api/customers?tier=Z&stage=asleep&minPAlive=2&maxNetValue=lots&quadrant=north&limit=0&teir=A");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var fields = Fields(problem);
        Assert.Equal(["teir", "maxNetValue", "tier", "stage", "quadrant", "minPAlive", "limit"], fields);
        Assert.Contains("'Z' is not a tier", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        (status, problem) = await GetAsync("/api/customers?minNetValue=500&maxNetValue=100&sort=value");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["minNetValue", "sort"], Fields(problem));

        // A cursor is taken back only by a list of its own sort.
        var page = await ExpectOkAsync("/api/customers?sort=-netValue&limit=2");
        (status, problem) = await GetAsync($"/api/customers?sort=pAlive&cursor={Text(page, "next")}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["cursor"], Fields(problem));
    }

    /// <summary>A saved segment: created, replaced, read with its count, its members paged, listed, refused when invalid, deleted.</summary>
    public async Task SavedSegmentsKeepTheirFilterCountAndMembersAsync()
    {
        var all = Listings(await ExpectOkAsync($"/api/customers?limit={CustomerLimit}"));
        var values = all.Select(c => c.GetProperty("netValue").GetDouble()).Order().ToList();
        var threshold = values[values.Count / 3];
        var members = all.Where(c => c.GetProperty("netValue").GetDouble() >= threshold)
            .OrderByDescending(c => c.GetProperty("netValue").GetDouble()).ThenBy(CustomerId, StringComparer.Ordinal).Select(CustomerId).ToList();

        var definition = new JsonObject
        {
            ["filter"] = new JsonObject { ["minNetValue"] = threshold },
            ["sort"] = "-netValue",
            ["description"] = "The upper two thirds by value",
        };
        var (status, saved) = await SendAsync(HttpMethod.Put, "/api/segments/upper-value", definition, DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(members.Count, saved.GetProperty("count").GetInt32());

        (status, saved) = await SendAsync(HttpMethod.Put, "/api/segments/upper-value", definition, DemoKeys.Service);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("The upper two thirds by value", saved.GetProperty("definition").GetProperty("description").GetString());

        var segment = await ExpectOkAsync("/api/segments/upper-value");
        Assert.Equal(members.Count, segment.GetProperty("count").GetInt32());
        Assert.Equal("-netValue", segment.GetProperty("definition").GetProperty("sort").GetString());

        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ExpectOkAsync("/api/segments/upper-value/members?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.Equal(members.Count, page.GetProperty("count").GetInt32());
            paged.AddRange(Listings(page).Select(CustomerId));
            cursor = Text(page, "next");
        }
        while (cursor is not null && paged.Count <= Customers);
        Assert.Equal(members, paged);

        var list = await ExpectOkAsync("/api/segments");
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("name").GetString() == "upper-value" && s.GetProperty("count").GetInt32() == members.Count);

        // Invalid definitions change nothing and name every problem.
        var bad = new JsonObject { ["filter"] = new JsonObject { ["tier"] = "Q", ["minPAlive"] = 3 }, ["sort"] = "age" };
        (status, var problem) = await SendAsync(HttpMethod.Put, "/api/segments/upper-value", bad, DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["filter.tier", "filter.minPAlive", "sort"], Fields(problem));
        (status, problem) = await SendAsync(HttpMethod.Put, "/api/segments/upper-value", new JsonObject { ["filter"] = new JsonObject { ["teir"] = "A" } }, DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["filter.teir"], Fields(problem));
        (status, problem) = await SendAsync(HttpMethod.Put, "/api/segments/Upper%20Value", definition, DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["name"], Fields(problem));
        Assert.Equal(members.Count, (await ExpectOkAsync("/api/segments/upper-value")).GetProperty("count").GetInt32());

        (status, _) = await SendAsync(HttpMethod.Delete, "/api/segments/upper-value", null, DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/segments/upper-value")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/segments/upper-value/members")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "/api/segments/upper-value", null, DemoKeys.Supervisor)).Status);
    }

    /// <summary>An agent may neither list customers nor read or write segments; nothing is saved by a refused write.</summary>
    public async Task AnAgentIsRefusedAsync()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/customers", null, DemoKeys.Agent)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/segments", null, DemoKeys.Agent)).Status);
        var definition = new JsonObject { ["filter"] = new JsonObject { ["stage"] = "decline" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, "/api/segments/agent-made", definition, DemoKeys.Agent)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/segments/agent-made")).Status);
    }

    private async Task ExpectSameAsync(string path, IEnumerable<JsonElement> expected)
    {
        var page = await ExpectOkAsync(path);
        var ids = expected.Select(CustomerId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ids, Listings(page).Select(CustomerId));
        Assert.Equal(ids.Count, page.GetProperty("count").GetInt32());
    }

    /// <summary>A member's text, or null when the API left it out (it leaves out nulls).</summary>
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<JsonElement> Listings(JsonElement page) => [.. page.GetProperty("customers").EnumerateArray()];

    private static string CustomerId(JsonElement listing) => listing.GetProperty("customerId").GetString()!;

    private static List<string?> Fields(JsonElement problem) =>
        [.. problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())];

    private async Task<JsonElement> ExpectOkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        return body;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null, null);

    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, JsonObject? body, string? key) =>
        service.SendAsync(method, path, body, key, Token);

    public void Dispose() => service.Dispose();
}
