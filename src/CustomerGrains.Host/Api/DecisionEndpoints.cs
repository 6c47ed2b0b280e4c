using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>Decisions, stated preferences: what agents and services act on.</summary>
internal static class DecisionEndpoints
{
    public static RouteGroupBuilder MapDecisionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers/{id}/decision", GetDecisionAsync)
            .RequireAuthorization(Access.ReadDecisions)
            .WithName("GetDecision")
            .WithSummary("The tiered service decision for a contact: service level, treatment, actions, marketing mode, with reasons")
            .Produces<Decision>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/customers/{id}/preferences", AddPreferenceAsync)
            .RequireAuthorization(Access.StatePreferences)
            .WithName("AddPreference")
            .WithSummary("Records a stated preference (e.g. drink: carrot juice) through the interaction log")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> GetDecisionAsync(
        string id, string? channel, string? reason, string? asOf, GrainReads reads, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (at, problem) = ParseQuery(channel, asOf);
        if (problem is not null)
        {
            return problem;
        }
        var query = new DecisionQuery { Channel = channel ?? "phone", Reason = reason, AsOf = at };
        var answer = await reads.ReadAsync(grains => DecideAsync(grains, id, query,
            () => auditing.RecordAsync(user, [id], "decision", $"channel {query.Channel}", cancellationToken)), cancellationToken);
        EngineMetrics.RecordRead(ReadPaths.Decision, started);
        return answer;
    }

    /// <summary>
    /// Asks the customer's grain, which checks the query itself (one call), and records the read with <paramref name="audit"/>
    /// before answering; shared by the decision and the what-if endpoints.
    /// </summary>
    internal static async Task<IResult> DecideAsync(IGrainFactory grains, string id, DecisionQuery query, Func<Task> audit)
    {
        try
        {
            var decision = await grains.Customer(id).GetDecisionAsync(query);
            if (decision is null)
            {
                return Problems.UnknownCustomer(id);
            }
            await audit();
            return Results.Ok(decision);
        }
        catch (ArgumentException ex)
        {
            return Problems.InvalidRead(ex);
        }
    }

    /// <summary>Checks the channel and asOf of a decision request.</summary>
    internal static (DateTimeOffset? AsOf, IResult? Problem) ParseQuery(string? channel, string? asOf)
    {
        if (channel is not null && !EnumNames.TryParse<Channel>(channel, out _))
        {
            return (null, Problems.BadRequest("Unknown channel", $"'{channel}' is not a channel; expected one of {EnumNames.List<Channel>()}."));
        }
        if (asOf is null)
        {
            return (null, null);
        }
        return DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? (parsed.ToUniversalTime(), null)
            : (null, Problems.BadRequest("asOf is not a date-time", $"'{asOf}' is not an ISO 8601 date-time, e.g. 2027-01-01T00:00:00Z."));
    }

    private static Task<IResult> AddPreferenceAsync(string id, PreferenceRequest request, ClaimsPrincipal user, IngestService ingest, CancellationToken cancellationToken)
    {
        // A signed-in agent is the source; a service names its own (default: its id).
        var (caller, role) = user.Caller();
        var source = role is Roles.Agent or Roles.Supervisor ? $"agent:{caller}"
            : string.IsNullOrWhiteSpace(request.Source) ? $"service:{caller}" : request.Source;
        var preference = new ProfileChanged
        {
            EventId = $"pref-{Guid.NewGuid():N}",
            CustomerId = id,
            OccurredAt = ingest.Now,
            Source = source,
            Preferences = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add(request.Key ?? "", request.Value ?? ""),
        };
        FieldError[] found = string.IsNullOrWhiteSpace(request.Value) ? [new FieldError(0, "value", "must not be empty")] : [];
        return ingest.RecordAsync(preference, "The preference is invalid", found, cancellationToken);
    }
}

/// <summary>A stated preference: key, value and who stated it (default <c>agent</c>).</summary>
public sealed record PreferenceRequest(string? Key, string? Value, string? Source);
