using System.Net;
using CustomerGrains.Testing;
using Microsoft.OpenApi;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// The OpenAPI document a client generator reads (docs/openapi.json): the one the engine makes, valid OpenAPI, every API
/// endpoint in it with its ways to sign in and its problems, and the ingest body's event union with its limits.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class OpenApiTests(SharedHost host)
{
    private static readonly string Committed = Path.Combine(TestEnvironment.RepositoryRoot, "docs", "openapi.json");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OpenApiDocument Parse()
    {
        var (document, diagnostic) = OpenApiDocument.Parse(File.ReadAllText(Committed), "json");
        Assert.True(diagnostic is not null && diagnostic.Errors.Count == 0,
            $"docs/openapi.json is not valid OpenAPI: {string.Join("; ", diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? [])}");
        return document!;
    }

    [Fact]
    public async Task The_committed_document_is_the_one_the_engine_makes()
    {
        using var scratch = new TempDirectory("openapi");
        var made = Path.Combine(scratch.Path, "openapi.json");

        var (exit, output, error) = await HostProcess.RunCommandAsync("openapi", "--out", made);

        Assert.True(exit == 0, output + error);
        Assert.True(await File.ReadAllTextAsync(Committed, Ct) == await File.ReadAllTextAsync(made, Ct),
            "docs/openapi.json is stale: run `dotnet run --project src/CustomerGrains.Host -- openapi --out \"$PWD/docs/openapi.json\"` from the repository root and commit it.");
    }

    [Fact]
    public async Task The_document_is_valid_and_describes_every_api_endpoint_with_its_sign_in_and_problems()
    {
        var document = Parse();
        var (exit, listing, error) = await HostProcess.RunCommandAsync("endpoints");
        Assert.True(exit == 0, error);
        // Health, the document itself and its reference page are not operations of the API.
        var endpoints = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts[1].StartsWith("/api/", StringComparison.Ordinal) && !parts[1].StartsWith("/api/reference", StringComparison.Ordinal))
            .ToList();
        Assert.True(endpoints.Count > 20, listing);

        var missing = new List<string>();
        foreach (var (method, path, access) in endpoints.Select(p => (p[0], p[1], p[2])))
        {
            if (document.Paths.TryGetValue(path, out var item) && item.Operations?.TryGetValue(HttpMethod.Parse(method), out var operation) == true)
            {
                var secured = access != "public";
                Assert.True(secured == (operation.Security?.Count == 2), $"{method} {path}: security should be {(secured ? "cookie or key" : "none")}");
                Assert.True(!secured || (operation.Responses!.ContainsKey("401") && operation.Responses.ContainsKey("403")), $"{method} {path} lacks 401/403");
            }
            else
            {
                missing.Add($"{method} {path}");
            }
        }
        Assert.True(missing.Count == 0, $"Endpoints missing from docs/openapi.json: {string.Join(", ", missing)}");
        Assert.Equal(["apiKey", "session"], document.Components!.SecuritySchemes!.Keys.Order());
    }

    [Fact]
    public void The_ingest_body_is_a_union_of_every_event_type_discriminated_by_type_with_the_validators_limits()
    {
        var schemas = Parse().Components!.Schemas!;
        var union = schemas["InteractionEvent"];
        Assert.Equal("type", union.Discriminator!.PropertyName);
        Assert.Equal(
            ["cancellation", "complaintOpened", "complaintResolved", "contact", "engagement", "note", "offer", "profileChanged", "purchase", "return", "survey"],
            union.Discriminator.Mapping!.Keys.Order());

        var purchase = schemas["InteractionEventPurchaseMade"].Properties!;
        Assert.Equal("1000000000", purchase["amount"].Maximum);
        Assert.Equal(128, purchase["eventId"].MaxLength);
        Assert.Equal(500, purchase["lines"].MaxItems);
        Assert.Contains("currency", schemas["InteractionEventPurchaseMade"].Required!);
        Assert.Equal("1000000", schemas["PurchaseLine"].Properties!["quantity"].Maximum);
        Assert.Equal(2000, schemas["InteractionEventNoteAdded"].Properties!["text"].MaxLength);
        Assert.Equal(10, schemas["InteractionEventProfileChanged"].Properties!["phones"].MaxItems);
    }

    [Fact]
    public void A_policy_calendars_holidays_are_a_name_and_a_date_in_the_forms_the_policy_accepts()
    {
        var schemas = Parse().Components!.Schemas!;

        var holiday = schemas["RegionCalendar"].Properties!["holidays"].Items!;
        Assert.Equal(JsonSchemaType.Object, holiday.Type);
        Assert.Equal(["date", "name"], holiday.Required!.Order(StringComparer.Ordinal));
        Assert.Equal(["date", "name"], holiday.Properties!.Keys.Order(StringComparer.Ordinal));
        var date = holiday.Properties["date"];
        Assert.Equal(JsonSchemaType.String, date.Type);
        var pattern = new System.Text.RegularExpressions.Regex(date.Pattern!);
        Assert.True(pattern.IsMatch("12-25") && pattern.IsMatch("2027-03-28"), date.Pattern);
        Assert.False(pattern.IsMatch("christmas") || pattern.IsMatch("25.12."), date.Pattern);
        Assert.Contains("MM-dd", date.Description, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", date.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_interactive_reference_is_served_to_signed_in_callers_only()
    {
        using var anonymous = await host.Api.Anonymous.GetAsync(new Uri("/api/reference/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/reference/", UriKind.Relative));
        request.Headers.Add(DemoKeys.Header, DemoKeys.Agent);
        using var page = await host.Api.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Ct);
        // The page loads its script from the host itself and the document the engine serves (/openapi/v1.json, relative to the site).
        Assert.Contains("<script src=\"scalar.js\">", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
    }
}
