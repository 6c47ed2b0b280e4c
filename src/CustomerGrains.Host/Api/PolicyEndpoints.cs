using System.Security.Claims;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>The service policy as data: read it, replace it at run time, try a candidate on one customer.</summary>
internal static class PolicyEndpoints
{
    public static RouteGroupBuilder MapPolicyEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/policy", (RulesContext rules) => Results.Json(rules.Current.Policy, PolicyDocument))
            .RequireAuthorization(Access.ReadPolicy)
            .WithName("GetPolicy")
            .WithSummary("The service policy in force in this silo")
            .Produces<Policy>();
        api.MapPut("/policy", PutPolicyAsync)
            .RequireAuthorization(Access.WritePolicy)
            .Accepts<Policy>("application/json")
            .TakesBody(BodyKind.Policy)
            .WithName("PutPolicy")
            .WithSummary("Validates and installs a new policy for every silo, without a restart; an invalid one changes nothing")
            .Produces<Policy>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/policy/what-if", WhatIfAsync)
            .RequireAuthorization(Access.WritePolicy)
            .Accepts<JsonElement>("application/json")
            .TakesBody(BodyKind.Policy)
            .WithName("PolicyWhatIf")
            .WithSummary("One customer's decision under a candidate policy, without installing it")
            .Produces<Decision>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> PutPolicyAsync(
        HttpRequest request, RulesContext rules, IPolicyStore store, TimeProvider time, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var document = await reader.ReadToEndAsync(cancellationToken);
        var (policy, errors) = PolicyJson.Parse(document);
        if (policy is null)
        {
            return InvalidPolicy(errors);
        }
        if (!await store.SaveAsync(new StoredPolicy(policy.Version, time.GetUtcNow(), document), cancellationToken))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Policy version already exists",
                detail: $"A policy with version '{policy.Version}' was installed before; give the new policy a new version.");
        }
        // In force here at once; the other silos pick it up from the store within their refresh interval.
        rules.InstallPolicy(policy);
        var (actor, role) = user.Caller();
        await auditing.RecordEventAsync(actor, role, "policy", $"installed policy {policy.Version}", cancellationToken);
        return Results.Json(policy, PolicyDocument);
    }

    private static async Task<IResult> WhatIfAsync(
        HttpRequest request, IGrainFactory grains, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (body, invalid) = await Problems.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return invalid!;
        }
        using (body)
        {
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("customerId", out var customer) || customer.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("policy", out var candidate) || candidate.ValueKind != JsonValueKind.Object)
            {
                return Problems.BadRequest("What-if needs a customer and a policy",
                    "The body is {\"customerId\": \"...\", \"channel\": \"phone\", \"reason\": \"...\", \"asOf\": \"...\", \"policy\": {...}}.");
            }
            var channel = Text(root, "channel");
            var (asOf, problem) = DecisionEndpoints.ParseQuery(channel, Text(root, "asOf"));
            if (problem is not null)
            {
                return problem;
            }
            var (policy, errors) = PolicyJson.Parse(candidate.GetRawText());
            if (policy is null)
            {
                return InvalidPolicy(errors);
            }
            var query = new DecisionQuery { Channel = channel ?? "phone", Reason = Text(root, "reason"), AsOf = asOf, CandidatePolicy = policy };
            var id = customer.GetString()!;
            return await DecisionEndpoints.DecideAsync(grains, id, query,
                () => auditing.RecordAsync(user, [id], "what-if", $"candidate policy {policy.Version}", cancellationToken));
        }
    }

    // The policy as a document that PUT accepts back unchanged: explicit nulls included (e.g. a tier without care).
    private static readonly JsonSerializerOptions PolicyDocument = new(Domain.Events.InteractionJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IResult InvalidPolicy(IReadOnlyList<PolicyError> errors) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The policy is invalid; the policy in force is unchanged",
        detail: string.Join("; ", errors.Take(20).Select(e => $"{e.Path}: {e.Reason}")) + (errors.Count > 20 ? $"; and {errors.Count - 20} more" : ""),
        extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, reason = e.Reason }).ToArray() });
}
