using System.Security.Claims;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>Alerts for retention work, and the maintenance work an operator may run at once instead of waiting.</summary>
internal static class AlertEndpoints
{
    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/alerts", async (
            ICustomerAlerts alerts, Auditing auditing, ClaimsPrincipal user, long? after, int? limit, string? customerId, CancellationToken ct) =>
        {
            var count = limit ?? 100;
            if (count is < 1 or > 1000 || after < 0)
            {
                return Problems.BadRequest("Invalid paging", "limit must be 1 to 1000 and after not negative.");
            }
            var page = await alerts.ReadAsync(after ?? 0, count, customerId, ct);
            // Whose alerts were seen: one entry per customer on the page.
            await auditing.RecordAsync(user, page.Select(a => a.CustomerId).Distinct(StringComparer.Ordinal), "alerts", $"after {after ?? 0}", ct);
            return Results.Ok(page);
        })
        .RequireAuthorization(Access.ReadAlerts)
        .WithName("GetAlerts")
        .WithSummary("Stage changes time alone caused (decline, churn), oldest first; page with after=<last id>")
        .Produces<IReadOnlyList<CustomerAlert>>();

        api.MapPost("/maintenance/lifecycle-sweep", async (IGrainFactory grains) =>
            Results.Ok(new LifecycleSweepResponse(await grains.GetGrain<IMaintenanceGrain>(0).SweepLifecycleAsync())))
            .RequireAuthorization(Access.Maintain)
            .WithName("SweepLifecycle")
            .WithSummary("Reviews now, unpaced, the customers whose lifecycle review is due, up to one sweep's batch (otherwise done every minute at Maintenance:SweepRate)")
            .Produces<LifecycleSweepResponse>();

        api.MapPost("/maintenance/population-refresh", async (IGrainFactory grains) =>
            Results.Ok(new PopulationRefreshResponse(await grains.GetGrain<IMaintenanceGrain>(0).RefreshPopulationAsync())))
            .RequireAuthorization(Access.Maintain)
            .WithName("RefreshPopulation")
            .WithSummary("Measures the population (tier cut points, RFM quintiles) now instead of at the next scheduled time")
            .Produces<PopulationRefreshResponse>();
        return api;
    }
}

/// <summary>How many customers a lifecycle sweep reviewed.</summary>
public sealed record LifecycleSweepResponse(int Reviewed);

/// <summary>The version of the population measurement now in force (null when there are no customers to measure yet).</summary>
public sealed record PopulationRefreshResponse(string? PopulationVersion);
