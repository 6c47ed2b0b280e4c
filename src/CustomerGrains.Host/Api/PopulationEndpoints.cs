using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Service;
using CustomerGrains.Grains.Value;
using CustomerGrains.Host.Agents;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>What the population measurement found: the 80/20/30 report per tier.</summary>
internal static class PopulationEndpoints
{
    public static RouteGroupBuilder MapPopulationEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/population/tiers", GetTiersAsync)
            .RequireAuthorization(Access.ReadPopulation)
            .WithName("GetTierReport")
            .WithSummary("The 80/20/30 report of the latest population measurement: per tier its share of customers, revenue, profit and net value")
            .Produces<TierReportResponse>();
        return api;
    }

    private static async Task<IResult> GetTiersAsync(IValueModelStore store, RulesContext rules, IOptions<MoneyOptions> money, CancellationToken cancellationToken)
    {
        var population = await store.LatestPopulationAsync(cancellationToken);
        var currency = money.Value.BaseCurrency;
        if (population is null || !population.Statistics.IsCalibrated)
        {
            return Results.Ok(new TierReportResponse(TierReportResponse.Uncalibrated, null, null, 0, currency, [],
                "the customer population has not been measured yet: tiers are uncalibrated (POST /api/maintenance/population-refresh measures it)"));
        }
        var statistics = population.Statistics;
        var version = $"p{population.Version}";
        if (statistics.TierShares is not { } shares)
        {
            return Results.Ok(new TierReportResponse(TierReportResponse.NotReported, version, population.CreatedAt, statistics.Customers, currency, [],
                "the latest population was measured before the tier report existed; the next measurement (or POST /api/maintenance/population-refresh) reports it"));
        }
        var policy = rules.Current.Policy;
        var tiers = shares.Select(t => new TierReportRow(t.Tier, policy.Tiers.TryGetValue(t.Tier, out var tier) ? tier.DisplayName : t.Tier,
            t.Customers, t.CustomerShare, t.Revenue, t.RevenueShare, t.Profit, t.ProfitShare, t.NetValue, t.NetValueShare)).ToArray();
        return Results.Ok(new TierReportResponse(TierReportResponse.Measured, version, population.CreatedAt, statistics.Customers, currency, tiers, null));
    }
}

/// <summary>
/// The 80/20/30 report: <see cref="Status"/> <c>measured</c> with a row per tier (A to D), <c>uncalibrated</c> before any
/// measurement, or <c>notReported</c> for a population measured before the report existed (<see cref="Reason"/> says what to do).
/// Amounts are in <see cref="Currency"/>, the base currency.
/// </summary>
public sealed record TierReportResponse(
    string Status, string? PopulationVersion, DateTimeOffset? MeasuredAt, int Customers, string Currency, IReadOnlyList<TierReportRow> Tiers, string? Reason)
{
    public const string Measured = "measured", Uncalibrated = "uncalibrated", NotReported = "notReported";
}

/// <summary>
/// One tier's part: its customers, the revenue (net spend) and profit (margin less service costs) they brought so far and the net
/// value ahead, each with its share of the population's total. A profit share above 1, or below 0, means loss-makers lose money.
/// </summary>
public sealed record TierReportRow(
    string Tier, string DisplayName, int Customers, double CustomerShare, double Revenue, double RevenueShare, double Profit, double ProfitShare,
    double NetValue, double NetValueShare);
