using System.Globalization;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Service;
using CustomerGrains.Host.Agents;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace CustomerGrains.Host.Hosting;

/// <summary>
/// The OpenAPI document, complete enough to generate clients from: the two ways to sign in (the session cookie and the
/// <c>X-Api-Key</c> header), each endpoint's policy with its 401 and 403 problems (and 413/415 where it takes a body), and
/// the ingest body's event union (discriminator <c>type</c>) with the limits the validator applies to every field.
/// </summary>
internal static class OpenApiDocs
{
    public const string CookieScheme = "session";
    public const string KeyScheme = "apiKey";

    public static IServiceCollection AddCustomerGrainsOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CustomerGrains";
            document.Info.Description = "A real-time customer-state engine: ingest interactions, read customers, decisions and screen-pops. " +
                                        "Sign in with a session cookie (POST /api/auth/login) or send an API key in X-Api-Key.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = AgentAuthentication.CookieName,
                    Description = "The session cookie of POST /api/auth/login (people: agents, supervisors).",
                },
                [KeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = AgentAuthentication.KeyHeader,
                    Description = "An API key configured for a user (systems: services with scopes, the telephony system, admins).",
                },
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            operation.Responses ??= new OpenApiResponses();
            foreach (var query in metadata.OfType<QueryParameter>())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = query.Name, In = ParameterLocation.Query, Description = query.Description,
                    Schema = new OpenApiSchema { Type = query.Type },
                });
            }
            if (metadata.OfType<IAcceptsMetadata>().Any())
            {
                operation.Responses.TryAdd("413", Problem("The body is larger than this endpoint takes", context.Document));
                operation.Responses.TryAdd("415", Problem("The body is not application/json", context.Document));
            }
            if (operation.RequestBody is not null || operation.Parameters?.Any(p => p.In is ParameterLocation.Query or ParameterLocation.Header) == true)
            {
                // A parameter or body that cannot be read is answered 400 by the framework, whatever the handler declares.
                operation.Responses.TryAdd("400", Problem("A parameter or the body is invalid; each problem is named", context.Document));
            }
            if (!metadata.OfType<IAllowAnonymous>().Any())
            {
                var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null) ?? "signed-in";
                operation.Description = $"{operation.Description}{(operation.Description is null ? "" : " ")}Who may call it: policy '{policy}' (the README's access table).".Trim();
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyScheme, context.Document)] = [] },
                ];
                operation.Responses.TryAdd("401", Problem("No session and no API key, or an unknown key", context.Document));
                operation.Responses.TryAdd("403", Problem("Signed in, but the role or scopes do not allow this endpoint", context.Document));
            }
            // Every error is answered as a problem (ProblemDetails with UseStatusCodePages), also where an endpoint
            // declared only the status (Produces(401)).
            foreach (var (status, response) in operation.Responses)
            {
                if (status[0] is '4' or '5' && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
                {
                    bare.Content = Problem(bare.Description ?? status, context.Document).Content;
                }
            }
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type.IsAssignableTo(typeof(InteractionEvent)) || type == typeof(PurchaseLine) || type == typeof(SurveyScore))
            {
                var ingest = context.ApplicationServices.GetRequiredService<IOptions<IngestOptions>>().Value;
                DescribeLimits(schema, type, ingest.Validation);
            }
            else if (type == typeof(RegionCalendar) && schema.Properties is { } members && members.TryGetValue("holidays", out var list) && list is OpenApiSchema holidays)
            {
                // A holiday is written by its own converter, so the generator sees no members and leaves the items free.
                holidays.Items = HolidaySchema();
            }
            return Task.CompletedTask;
        });
    });

    /// <summary>
    /// Names in the document the query parameters an endpoint reads from the request itself (so that it can name every
    /// bad one at once) rather than binding them as handler arguments, which the document would show by themselves.
    /// </summary>
    public static TBuilder ReadsQuery<TBuilder>(this TBuilder builder, IEnumerable<QueryParameter> parameters)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata([.. parameters]);

    private static OpenApiResponse Problem(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A holiday as the policy file writes it, {name, date}, with the date forms <see cref="Holiday.TryParseDate"/> accepts.</summary>
    private static OpenApiSchema HolidaySchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "A holiday of the region: every year on its month and day (MM-dd), or once (yyyy-MM-dd, for a movable feast such as Easter).",
        Required = new HashSet<string>(StringComparer.Ordinal) { "name", "date" },
        AdditionalPropertiesAllowed = false,
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["name"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, Description = "The holiday's name, e.g. christmas; care offers name it as their occasion." },
            ["date"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Pattern = "^(\\d{4}-)?\\d{2}-\\d{2}$",
                Description = "MM-dd for every year (12-25; 02-29 falls on the 28th in other years) or yyyy-MM-dd for one year (2027-03-28).",
                Examples = [System.Text.Json.Nodes.JsonValue.Create("12-25"), System.Text.Json.Nodes.JsonValue.Create("2027-03-28")],
            },
        },
    };

    /// <summary>The bounds <see cref="InteractionValidator"/> applies, written on the fields of the event schemas.</summary>
    private static void DescribeLimits(OpenApiSchema schema, Type type, ValidationOptions limits)
    {
        if (schema.Properties is null)
        {
            return;
        }
        // The discriminator is the only name of an event's type on the wire.
        schema.Properties.Remove("typeName");
        var amount = limits.MaxAmount.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, property) in schema.Properties)
        {
            if (property is not OpenApiSchema field)
            {
                continue;
            }
            // A required text must not be empty (the validator refuses blank ones too).
            var required = schema.Required?.Contains(name) == true;
            if (field.Type is { } kind && (kind.HasFlag(JsonSchemaType.Number) || kind.HasFlag(JsonSchemaType.Integer)) && kind.HasFlag(JsonSchemaType.String))
            {
                // The validator reads numbers only: a number written as a string is refused.
                (field.Type, field.Pattern) = (kind & ~JsonSchemaType.String, null);
            }
            switch (name)
            {
                case "eventId" or "customerId" or "orderId" or "complaintId" or "agentId" or "offerId" or "subscriptionId":
                    (field.MinLength, field.MaxLength) = (1, limits.MaxIdLength);
                    break;
                case "source" or "name" or "email" or "category" or "action" or "plan":
                    field.MaxLength = limits.MaxShortTextLength;
                    field.MinLength = required ? 1 : null;
                    break;
                case "reason" or "text":
                    field.MaxLength = limits.MaxTextLength;
                    field.MinLength = required ? 1 : null;
                    break;
                case "amount" when type == typeof(OrderReturned):
                    // A refund of nothing is refused: the amount must be greater than zero.
                    (field.ExclusiveMinimum, field.Maximum) = ("0", amount);
                    break;
                case "amount" or "discount" or "unitPrice" or "monthlyCharge":
                    (field.Minimum, field.Maximum) = ("0", amount);
                    break;
                case "spend":
                    (field.Minimum, field.Maximum) = ("0", amount);
                    field.Description = "What an accepted offer cost, in the base currency; spent from the action's budget. Must be 0 unless the outcome is accepted.";
                    break;
                case "timeZone":
                    field.MaxLength = limits.MaxShortTextLength;
                    field.Description = "The customer's time zone, an IANA id such as Europe/Berlin: preferred hours, birthday and holidays are read in it.";
                    break;
                case "quantity":
                    (field.Minimum, field.Maximum) = ("1", limits.MaxQuantity.ToString(CultureInfo.InvariantCulture));
                    break;
                case "contractMonths":
                    (field.Minimum, field.Maximum) = ("1", InteractionValidator.MaxContractMonths.ToString(CultureInfo.InvariantCulture));
                    field.Description = "The minimum term in months: 1 for month-to-month, 12 or 24 for a one- or two-year contract.";
                    break;
                case "durationSeconds":
                    (field.Minimum, field.Maximum) = ("0", InteractionValidator.MaxContactSeconds.ToString(CultureInfo.InvariantCulture));
                    break;
                case "nps" or "expectation" or "experience" or "importance":
                    (field.Minimum, field.Maximum) = (Number(InteractionValidator.MinScore), Number(InteractionValidator.MaxScore));
                    break;
                case "currency":
                    field.Pattern = "^[A-Z]{3}$";
                    field.Description = "An ISO 4217 currency code, e.g. EUR.";
                    break;
                case "lines":
                    field.MaxItems = limits.MaxLines;
                    break;
                case "phones":
                    field.MaxItems = limits.MaxPhones;
                    field.Description = $"Phone numbers in any common format, each a possible number of its country (national numbers in Phones:DefaultRegion); at most {limits.MaxPhones}.";
                    break;
                case "consentsByPurpose":
                    field.Description = "Consent per channel (email, sms, phone, post, app) and purpose (offers: retention, cross-selling, win-back; " +
                                        "care: care gifts, birthday and holiday greetings), e.g. {\"email\": {\"care\": true, \"offers\": false}}; " +
                                        "the newest statement for a channel and purpose wins, whether given here or channel-wide under consents.";
                    break;
                case "preferences":
                    field.MaxProperties = limits.MaxPreferences;
                    field.Description = $"Stated preferences, key (1 to {limits.MaxPreferenceKeyLength} characters) to value (at most {limits.MaxShortTextLength}); at most {limits.MaxPreferences}.";
                    break;
                case "occurredAt":
                    field.Description = $"When it happened (event time): from {limits.EarliestEventTime:O} to now plus {limits.MaxFutureSkew}.";
                    break;
                case "birthday":
                    field.Description = $"From {limits.EarliestBirthday:yyyy-MM-dd} to today.";
                    break;
            }
        }
    }
}

/// <summary>A query parameter an endpoint reads itself, as the OpenAPI document names it (<see cref="OpenApiDocs.ReadsQuery"/>).</summary>
internal sealed record QueryParameter(string Name, JsonSchemaType Type, string Description);
