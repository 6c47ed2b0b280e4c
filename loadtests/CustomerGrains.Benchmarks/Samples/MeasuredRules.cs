using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Benchmarks.Samples;

/// <summary>
/// The rules the engine judges by, with a population measured the way the maintenance grain measures it:
/// every member's value inputs and need traits through <see cref="PopulationStatistics.Compute"/>, so that
/// tiers, RFM quintiles, percentiles and segment averages are real cut points rather than the uncalibrated defaults.
/// </summary>
public static class MeasuredRules
{
    /// <summary>The seed of the population: the same customers on every run.</summary>
    public const int Seed = 20261124;

    /// <summary>The default model (CDNOW parameters), default policy, lifecycle and need options, and a measured population.</summary>
    public static EngineRules Create(int populationSize)
    {
        var options = new ValueModelOptions();
        var scoring = ScoringModel.Default(options);
        var needs = new NeedOptions();
        var random = new Random(Seed);
        var inputs = new List<ValueInputs>(populationSize);
        var traits = new List<IReadOnlyDictionary<string, double>?>(populationSize);
        for (var i = 0; i < populationSize; i++)
        {
            var id = $"pop-{i:D6}";
            var state = CustomerHistories.Build(id, CustomerHistories.Member(id, random));
            inputs.Add(CustomerValueInputs.Of(state));
            traits.Add(NeedProfile.Of(state, CustomerHistories.Now, needs, null).Traits);
        }
        var population = PopulationStatistics.Compute(inputs, CustomerHistories.Now, scoring.Model, traits);
        return new EngineRules(
            scoring with { PopulationVersion = $"bench-{populationSize}", Population = population },
            Policy.Default,
            new LifecycleOptions(),
            needs);
    }

    /// <summary>One line describing the population: customers, buyers and how many fall in each tier.</summary>
    public static string Describe(PopulationStatistics population)
    {
        ArgumentNullException.ThrowIfNull(population);
        var counts = population.TierCounts;
        return $"{population.Customers} customers, {population.Buyers} buyers; tiers A/B/C/D = " +
            string.Join("/", counts) + $"; tier A above net value {population.Tiers.TopThreshold:0.00}, B above {population.Tiers.MiddleThreshold:0.00}";
    }
}
