using System.Globalization;
using System.Security.Claims;
using CustomerGrains.Abstractions;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary><c>GET /api/customers/{id}</c>: the customer's live snapshot.</summary>
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
        return api;
    }

    private static async Task<IResult> GetCustomerAsync(
        string id, string? asOf, GrainReads reads, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
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
            var snapshot = await reads.ReadAsync(grains => grains.GetGrain<ICustomerGrain>(id).GetSnapshotAsync(at), cancellationToken);
            if (snapshot is null)
            {
                return Problems.UnknownCustomer(id);
            }
            await auditing.RecordAsync(user, [id], "snapshot", at is { } moment ? $"asOf {moment:O}" : null, cancellationToken);
            return Results.Ok(snapshot);
        }
        catch (ArgumentException ex)
        {
            return Problems.InvalidRead(ex);
        }
    }
}
