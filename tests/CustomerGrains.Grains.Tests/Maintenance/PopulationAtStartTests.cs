using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Tests.Customers;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerGrains.Grains.Tests.Maintenance;

/// <summary>
/// Until a population is measured, tiers and percentiles are uncalibrated. A silo that starts over a customer base
/// without a measured population measures it at once, not one refresh interval (10 minutes) later.
/// </summary>
public sealed class PopulationAtStartTests
{
    [Fact]
    public async Task A_silo_starting_over_customers_without_a_measured_population_measures_it_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("population-at-start");
        var settings = new Dictionary<string, string?> { ["ValueModel:RefreshInterval"] = "00:00:00.200", ["Snapshots:Interval"] = "00:00:01" };
        var ids = Enumerable.Range(0, 3).Select(i => $"pop-{i}-{Guid.NewGuid():N}"[..16]).ToArray();
        await using (var first = await EngineCluster.StartAsync(data.Path, settings))
        {
            await first.Log.AppendAsync([.. ids.Select((id, i) => new PurchaseMade
            {
                EventId = $"{id}-p", CustomerId = id, OccurredAt = DateTimeOffset.UtcNow.AddDays(-30), Source = "shop",
                OrderId = $"{id}-o", Amount = 50m * (i + 1), Currency = "EUR",
            })], ct);
            var readModel = first.SiloServices.GetRequiredService<ICustomerReadModel>();
            await Eventually.UntilAsync(async () => await readModel.ReadPopulationAsync(ct).CountAsync(ct) == ids.Length,
                "the three customers in the read model");
            // Started over an empty base: nothing was measured, and nothing is until the next scheduled refresh.
            Assert.Null(await first.SiloServices.GetRequiredService<IValueModelStore>().LatestPopulationAsync(ct));
        }

        await using var second = await EngineCluster.StartAsync(data.Path, settings);
        var rules = second.SiloServices.GetRequiredService<RulesContext>();
        await Eventually.UntilAsync(() => Task.FromResult(rules.Current.Scoring.Population.IsCalibrated),
            "a population measured after the restart");
        Assert.Equal(ids.Length, rules.Current.Scoring.Population.Customers);
        Assert.NotEqual(ScoringModel.UncalibratedPopulationVersion, rules.Current.Scoring.PopulationVersion);
    }
}
