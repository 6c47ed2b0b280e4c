using CustomerGrains.Domain.Value;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Value;

/// <summary>
/// The population measured one customer at a time, as the engine reads its base: each tier's typical need traits (what a
/// customer's individuality is measured against on the card) and the cut points.
/// </summary>
public sealed class PopulationAccumulatorTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(9 * 30);
    private static readonly ValueModel Model = ScoringModel.Default(new ValueModelOptions()).Model;

    private static ValueInputs Buyer(string id, decimal amount) =>
        CustomerValueInputs.Of(new History(id).Purchases(T0, count: 9, everyDays: 30, amount: amount).State);

    private static Dictionary<string, double> Traits(params (string Key, double Value)[] traits) =>
        traits.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    [Fact]
    public void A_tiers_typical_traits_average_its_customers_with_a_profile_and_a_trait_one_of_them_lacks_counts_as_zero()
    {
        var population = new PopulationAccumulator(Now, Model);
        // Ten customers: two of 9 x 500 (tier A, the top fifth), three of 9 x 100 (B), five of 9 x 20 (C).
        population.Add(Buyer("a1", 500m), Traits(("category.garden", 1), ("channel.store", 0.5)));
        population.Add(Buyer("a2", 500m), Traits(("category.garden", 0.5)));
        population.Add(Buyer("b1", 100m));
        population.Add(Buyer("b2", 100m), Traits(("price.discountShare", 0.2)));
        population.Add(Buyer("b3", 100m), Traits());
        foreach (var id in new[] { "c1", "c2", "c3", "c4", "c5" })
        {
            population.Add(Buyer(id, 20m));
        }

        var statistics = population.Result();

        Assert.Equal((10, 10), (statistics.Customers, statistics.Buyers));
        Assert.Equal([2, 3, 5, 0], statistics.TierCounts);
        var segments = statistics.Segments!;
        // No customer of tier C has a profile: C has no typical traits rather than all zeros.
        Assert.Equal(["A", "B"], segments.Keys.Order());
        Assert.Equal(0.75, segments["A"].Traits["category.garden"], 12);
        Assert.Equal(0.25, segments["A"].Traits["channel.store"], 12);
        // b1 has no profile and is not counted; b3's empty one is.
        Assert.Equal(0.1, segments["B"].Traits["price.discountShare"], 12);
        Assert.False(segments["B"].Traits.ContainsKey("category.garden"));
    }

    [Fact]
    public void Customers_added_in_any_order_give_the_same_cut_points()
    {
        var customers = Enumerable.Range(1, 40).Select(i => Buyer($"c{i}", 10m * i)).ToList();
        var forward = new PopulationAccumulator(Now, Model);
        var backward = new PopulationAccumulator(Now, Model);
        customers.ForEach(c => forward.Add(c));
        Enumerable.Reverse(customers).ToList().ForEach(c => backward.Add(c));

        var (a, b) = (forward.Result(), backward.Result());

        Assert.Equal(a.Tiers, b.Tiers);
        Assert.Equal(a.NetValuePercentiles, b.NetValuePercentiles);
        Assert.Equal(a.Rfm, b.Rfm);
        Assert.Equal([8, 12, 20, 0], a.TierCounts);
        // The customers' own net values are the percentiles' ends: the smallest spender lowest, the largest highest.
        Assert.True(a.NetValuePercentiles[0] < a.NetValuePercentiles[^1]);
    }

    [Fact]
    public void No_customer_is_an_uncalibrated_population()
    {
        var statistics = new PopulationAccumulator(Now, Model).Result();

        Assert.False(statistics.IsCalibrated);
        Assert.Null(statistics.PercentileOf(100));
    }
}
