using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using CustomerGrains.Domain.Events;
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

    /// <summary>
    /// Endpoints the engine maps that are not operations of the API, each for a reason; every other endpoint must be in the
    /// document. A new endpoint outside the API fails here until it is described or named below.
    /// </summary>
    private static readonly Dictionary<string, string> NotOperations = new(StringComparer.Ordinal)
    {
        ["* /health/live"] = "a probe for the orchestrator",
        ["* /health/ready"] = "a probe for the orchestrator",
        ["* /metrics"] = "Prometheus scrapes it",
        ["GET /openapi/{documentName}.json"] = "the document itself",
        ["GET /api/reference/{documentName?}"] = "the interactive reference page of the document",
        ["GET /api/reference/scalar.js"] = "a script of the reference page",
        ["GET /api/reference/scalar.aspnetcore.js"] = "a script of the reference page",
        ["GET /api/reference/favicon.svg"] = "the reference page's icon",
    };

    [Fact]
    public async Task The_document_is_valid_and_describes_every_endpoint_the_engine_maps_with_its_sign_in_and_problems()
    {
        var document = Parse();
        // The endpoint data source of the engine's own wiring (the endpoints command), not a list kept by hand.
        var (exit, listing, error) = await HostProcess.RunCommandAsync("endpoints");
        Assert.True(exit == 0, error);
        var endpoints = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(parts => !NotOperations.ContainsKey($"{parts[0]} {parts[1]}"))
            .ToList();
        Assert.True(endpoints.Count > 30, listing);

        var missing = new List<string>();
        var wrong = new List<string>();
        foreach (var (method, path, access) in endpoints.Select(p => (p[0], p[1], p[2])))
        {
            if (!document.Paths.TryGetValue(path, out var item) || item.Operations?.TryGetValue(HttpMethod.Parse(method), out var operation) != true)
            {
                missing.Add($"{method} {path}");
                continue;
            }
            var name = $"{method} {path}";
            var responses = operation!.Responses!;
            var secured = access != "public";
            Check(secured == (operation.Security?.Count == 2), $"{name}: security should be {(secured ? "the cookie or the key" : "none (it is public)")}");
            Check(!secured || (responses.ContainsKey("401") && responses.ContainsKey("403")), $"{name}: lacks 401/403");
            Check(!string.IsNullOrEmpty(operation.OperationId), $"{name}: has no operation id (.WithName)");
            var readsInput = operation.RequestBody is not null || operation.Parameters?.Any(p => p.In is ParameterLocation.Query) == true;
            Check(!readsInput || responses.ContainsKey("400"), $"{name}: reads a body or query parameters but declares no 400");
            var addressesOne = path.Contains('{', StringComparison.Ordinal) && method is "GET" or "DELETE";
            Check(!addressesOne || responses.ContainsKey("404"), $"{name}: reads or deletes one thing by its path but declares no 404");
            foreach (var (status, response) in responses)
            {
                if (status[0] is '4' or '5')
                {
                    var problem = response.Content?.TryGetValue("application/problem+json", out var media) == true ? media.Schema as OpenApiSchemaReference : null;
                    Check(problem?.Reference.Id == "ProblemDetails", $"{name}: {status} is not an application/problem+json ProblemDetails");
                }
                else if (status != "204")
                {
                    Check(response.Content is { Count: > 0 } content && content.Values.All(m => m.Schema is not null), $"{name}: {status} has no schema (.Produces<T>)");
                }
            }
        }
        Assert.True(missing.Count == 0, $"Endpoints missing from docs/openapi.json: {string.Join(", ", missing)}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(["apiKey", "session"], document.Components!.SecuritySchemes!.Keys.Order());

        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                wrong.Add(problem);
            }
        }
    }

    [Fact]
    public void The_ingest_body_is_a_union_of_every_event_type_discriminated_by_type()
    {
        var schemas = Parse().Components!.Schemas!;
        var union = schemas["InteractionEvent"];
        Assert.Equal("type", union.Discriminator!.PropertyName);
        // Every event type of the wire format, read from the event contract itself.
        var wire = typeof(InteractionEvent).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), false).Cast<JsonDerivedTypeAttribute>()
            .ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType);
        Assert.True(wire.Count >= 11, string.Join(", ", wire.Keys));
        Assert.Equal(wire.Keys.Order(StringComparer.Ordinal), union.Discriminator.Mapping!.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, type) in wire)
        {
            var schema = union.Discriminator.Mapping[name].Reference.Id!;
            Assert.EndsWith(type.Name, schema, StringComparison.Ordinal);
            Assert.Contains(union.AnyOf!, s => (s as OpenApiSchemaReference)?.Reference.Id == schema);
            Assert.Equal([name], schemas[schema].Properties!["type"].Enum!.Select(v => v!.GetValue<string>()));
        }
    }

    [Fact]
    public void Every_event_field_carries_the_limits_the_validator_applies()
    {
        var schemas = Parse().Components!.Schemas!;
        var limits = new ValidationOptions();
        var amount = limits.MaxAmount.ToString(CultureInfo.InvariantCulture);

        var purchase = schemas["InteractionEventPurchaseMade"].Properties!;
        Assert.Equal(("0", amount), (purchase["amount"].Minimum, purchase["amount"].Maximum));
        Assert.Equal((1, limits.MaxIdLength), (purchase["eventId"].MinLength, purchase["eventId"].MaxLength));
        Assert.Equal((1, limits.MaxShortTextLength), (purchase["source"].MinLength, purchase["source"].MaxLength));
        Assert.Equal(limits.MaxLines, purchase["lines"].MaxItems);
        Assert.Contains("currency", schemas["InteractionEventPurchaseMade"].Required!);
        Assert.Matches(purchase["currency"].Pattern!, "EUR");
        Assert.DoesNotMatch(purchase["currency"].Pattern!, "eur");
        Assert.Equal(limits.MaxQuantity.ToString(CultureInfo.InvariantCulture), schemas["PurchaseLine"].Properties!["quantity"].Maximum);
        // A refund of nothing is refused.
        Assert.Equal("0", schemas["InteractionEventOrderReturned"].Properties!["amount"].ExclusiveMinimum);
        Assert.Equal(limits.MaxTextLength, schemas["InteractionEventNoteAdded"].Properties!["text"].MaxLength);
        Assert.Equal(InteractionValidator.MaxContactSeconds.ToString(CultureInfo.InvariantCulture),
            schemas["InteractionEventCustomerContacted"].Properties!["durationSeconds"].Maximum);
        Assert.Equal(InteractionValidator.MaxScore.ToString(CultureInfo.InvariantCulture), schemas["SurveyScore"].Properties!["experience"].Maximum);
        var profile = schemas["InteractionEventProfileChanged"].Properties!;
        Assert.Equal(limits.MaxPhones, profile["phones"].MaxItems);
        Assert.Equal(limits.MaxPreferences, profile["preferences"].MaxProperties);

        // No text, number or list of an event is left unbounded: a field added to an event without its limit fails here.
        var unbounded = new List<string>();
        var events = schemas.Where(s => s.Key.StartsWith("InteractionEvent", StringComparison.Ordinal) && s.Key != "InteractionEvent")
            .Concat(schemas.Where(s => s.Key is "PurchaseLine" or "SurveyScore"));
        foreach (var (schema, fields) in events.Select(s => (s.Key, s.Value.Properties!)))
        {
            foreach (var (name, field) in fields)
            {
                var bounded = field is OpenApiSchemaReference || field.Type is not { } type ? true
                    : type.HasFlag(JsonSchemaType.String) ? field.MaxLength is not null || field.Pattern is not null || field.Enum is not null || field.Format is "date" or "date-time"
                    : type.HasFlag(JsonSchemaType.Number) || type.HasFlag(JsonSchemaType.Integer) ? field.Maximum is not null
                    : !type.HasFlag(JsonSchemaType.Array) || field.MaxItems is not null;
                if (!bounded)
                {
                    unbounded.Add($"{schema}.{name}");
                }
            }
        }
        Assert.True(unbounded.Count == 0, $"Event fields without the validator's limit in the document: {string.Join(", ", unbounded)}");
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
        // As the document declares for every 401: a problem, not an empty answer.
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

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
