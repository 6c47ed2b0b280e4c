using System.Text.Json;
using CustomerGrains.Domain.Events;
using CustomerGrains.LoadTests.Data;
using CustomerGrains.LoadTests.Scenarios;
using CustomerGrains.Testing;

namespace CustomerGrains.LoadTests.Tests;

public sealed class SeedTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_synthetic_base_is_repeatable_heavy_tailed_and_has_shared_phones()
    {
        var customers = SyntheticCustomers.Generate(5000, 42, Now).ToList();
        var again = SyntheticCustomers.Generate(5000, 42, Now).Select(c => c.Events.Count).ToList();

        Assert.Equal(customers.Select(c => c.Events.Count), again);
        var spend = customers.Select(c => c.Events.Where(e => e.Type == "purchase").Sum(e => e.Amount ?? 0)).OrderDescending().ToList();
        var top = spend.Take(spend.Count / 5).Sum() / spend.Sum();
        Assert.InRange(top, 0.5m, 0.95m);   // Pareto: the top fifth holds most of the value
        Assert.True(customers.Average(c => c.Events.Count(e => e.Type == "purchase")) >= 2, "several purchases each on average");
        Assert.All(customers, c => Assert.Contains(c.Events, e => e.Type == "contact"));
        var phones = customers.SelectMany(c => c.Phones).ToList();
        Assert.All(phones, p => Assert.Matches(@"^\+49\d{10,12}$", p));
        Assert.InRange(phones.Count - phones.Distinct().Count(), 50, 2000);   // households share a landline
    }

    [Fact]
    public void Every_seed_event_is_accepted_by_the_engines_own_validation()
    {
        var events = SyntheticCustomers.Generate(300, 7, Now).SelectMany(c => c.Events).ToList();
        using var body = JsonDocument.Parse(Seeder.Body(events).WrittenMemory);

        var parsed = InteractionJson.ParseBatch(body.RootElement, Now, new ValidationOptions());

        Assert.Empty(parsed.Errors);
        Assert.Equal(events.Count, parsed.Events.Length);
    }

    [Fact]
    public void The_online_retail_import_gives_valid_purchases_returns_and_phones()
    {
        var file = TestEnvironment.RequireSharedData(RetailImport.DefaultFile);

        var customers = RetailImport.Read(file, 40).ToList();
        using var body = JsonDocument.Parse(Seeder.Body([.. customers.SelectMany(c => c.Events)]).WrittenMemory);
        var parsed = InteractionJson.ParseBatch(body.RootElement, DateTimeOffset.UtcNow, new ValidationOptions());

        Assert.Equal(40, customers.Count);
        Assert.Empty(parsed.Errors);
        Assert.Contains(parsed.Events, e => e is PurchaseMade);
        Assert.Contains(customers.SelectMany(c => c.Phones).GroupBy(p => p), g => g.Count() > 1);
    }

    [Fact]
    public void Zipf_draws_favour_few_customers_but_reach_many()
    {
        var zipf = new ZipfSampler(10_000, 1.0, 3);
        var counts = new int[zipf.Count];
        for (var i = 0; i < 100_000; i++)
        {
            counts[zipf.Next()]++;
        }
        var sorted = counts.OrderDescending().ToArray();

        Assert.InRange(sorted.Take(100).Sum() / 100_000.0, 0.35, 0.75);   // the top 1% take about half the calls
        Assert.True(counts.Count(c => c > 0) > 3000, "the long tail is called too");
    }
}
