using CustomerGrains.Domain.Value;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Value;

/// <summary>Measures the whole customer base under the current model and stores the result as a new population version.</summary>
public sealed class PopulationMeasurement(
    ICustomerReadModel readModel, IValueModelStore store, IOptions<ValueModelOptions> modelOptions, IOptions<ValueOptions> options, TimeProvider time)
{
    /// <summary>
    /// Whether the stored population cannot stand for the customer base: none was measured, it was measured under another
    /// model than the latest fit, or it is older than the refresh interval. Until one is measured tiers and percentiles
    /// are uncalibrated, so a starting silo measures at once instead of one refresh interval later.
    /// </summary>
    public async Task<bool> IsStaleAsync(CancellationToken cancellationToken)
    {
        var population = await store.LatestPopulationAsync(cancellationToken);
        if (population is null)
        {
            return true;
        }
        var model = await store.LatestModelAsync(cancellationToken);
        return population.ModelVersion != model?.Version || time.GetUtcNow() - population.CreatedAt >= options.Value.PopulationRefreshInterval;
    }

    /// <summary>Returns the stored version, or null when there are no customers yet.</summary>
    public async Task<StoredPopulation?> MeasureAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var latest = await store.LatestModelAsync(cancellationToken);
        var model = latest is null
            ? ScoringModel.Default(modelOptions.Value).Model
            : latest.Model.ValueModel(modelOptions.Value);
        // Scored as the pages arrive: only a few numbers per customer are kept until the cut points can be drawn.
        var population = new PopulationAccumulator(now, model);
        await foreach (var member in readModel.ReadPopulationAsync(cancellationToken))
        {
            population.Add(member.Inputs, member.NeedTraits);
        }
        if (population.Count == 0)
        {
            return null;
        }
        var statistics = population.Result();
        var version = await store.SavePopulationAsync(latest?.Version, statistics, now, cancellationToken);
        return new StoredPopulation(version, latest?.Version, now, statistics);
    }
}
