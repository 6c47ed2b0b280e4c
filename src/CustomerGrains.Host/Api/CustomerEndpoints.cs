using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.Service;
using CustomerGrains.Host.Agents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary><c>GET /api/customers/{id}</c>: the customer's live snapshot; <c>POST /api/customers/batch</c>: many customers' snapshots or decisions.</summary>
internal static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers/{id}", GetCustomerAsync)
            .RequireAuthorization(Access.ReadCustomers)
            .WithName("GetCustomer")
            .WithSummary("The customer's snapshot, computed for now or for a later asOf")
            .Produces<CustomerSnapshot>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/customers/batch", ReadBatchAsync)
            .RequireAuthorization(Access.ReadCustomerBatch)
            .WithName("ReadCustomerBatch")
            .WithSummary("Many customers at once: their snapshots (view=snapshot) or their decisions for one contact channel (view=decision)")
            .WithDescription("Up to Reads:MaxBatchIds ids (default 100), duplicates answered once, read in one round of parallel grain calls. " +
                             "Customers without applied events are listed under unknown; they do not fail the batch. The snapshot view " +
                             "may be read by whoever may read GET /api/customers/{id}, the decision view by whoever may read " +
                             "GET /api/customers/{id}/decision; anyone else gets 403 for that view. Every customer answered is audited.")
            .Accepts<CustomerBatchRequest>("application/json")
            .Produces<CustomerBatch>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> ReadBatchAsync(
        CustomerBatchRequest request, GrainReads reads, Auditing auditing, IAuthorizationService authorization, IOptions<ReadOptions> options,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var query = new CustomerBatchQuery
        {
            CustomerIds = request.CustomerIds is null ? [] : [.. request.CustomerIds.Select(id => id ?? "")],
            View = request.View ?? CustomerBatchQuery.SnapshotView,
            Channel = request.Channel,
            Reason = request.Reason,
        };
        var problems = query.Problems(options.Value.MaxBatchIds);
        if (problems.Count > 0)
        {
            return Problems.InvalidQuery("The batch read is invalid; nothing was read", problems);
        }
        var policy = query.IsDecisionView ? Access.ReadDecisions : Access.ReadCustomers;
        if (!(await authorization.AuthorizeAsync(user, policy)).Succeeded)
        {
            var (caller, role) = user.Caller();
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"The caller '{caller}' (role {role}) may not read the {query.View} view; " +
                        $"it is read by those who may call GET /api/customers/{{id}}{(query.IsDecisionView ? "/decision" : "")} (the README's access table).");
        }
        var batch = await CustomerReads.ReadBatchAsync(reads, query, cancellationToken);
        await auditing.RecordAsync(user, batch.Found, query.View, query.Describe(), cancellationToken);
        EngineMetrics.RecordRead(ReadPaths.Batch, started);
        return Results.Ok(batch);
    }

    private static async Task<IResult> GetCustomerAsync(
        string id, string? asOf, GrainReads reads, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        DateTimeOffset? at = null;
        if (asOf is not null)
        {
            if (!DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Problems.BadRequest("asOf is not a date-time", $"'{asOf}' is not an ISO 8601 date-time, e.g. 2027-01-01T00:00:00Z.");
            }
            at = parsed.ToUniversalTime();
        }

        try
        {
            var snapshot = await reads.ReadAsync(grains => grains.Customer(id).GetSnapshotAsync(at), cancellationToken);
            if (snapshot is null)
            {
                return Problems.UnknownCustomer(id);
            }
            await auditing.RecordAsync(user, [id], "snapshot", at is { } moment ? $"asOf {moment:O}" : null, cancellationToken);
            EngineMetrics.RecordRead(ReadPaths.Snapshot, started);
            return Results.Ok(snapshot);
        }
        catch (ArgumentException ex)
        {
            return Problems.InvalidRead(ex);
        }
    }
}

/// <summary>
/// The body of <c>POST /api/customers/batch</c>: the customer ids (at most <c>Reads:MaxBatchIds</c>), the view
/// (<c>snapshot</c>, the default, or <c>decision</c>) and, for decisions, the contact's channel (default <c>phone</c>) and reason.
/// </summary>
public sealed record CustomerBatchRequest(IReadOnlyList<string?>? CustomerIds, string? View, string? Channel, string? Reason);
