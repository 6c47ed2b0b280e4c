using CustomerGrains.LoadTests.Baseline;
using CustomerGrains.LoadTests.Data;
using CustomerGrains.Testing;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>The PostgreSQL baseline on a private server the runner starts itself (PrivatePostgres).</summary>
public sealed class BaselineTests
{
    /// <summary>Seed files of 200 generated customers in <paramref name="directory"/>; the test fails under CI (skips elsewhere) without PostgreSQL.</summary>
    private static async Task<List<SeedCustomer>> SeedAsync(TempDirectory directory)
    {
        if (!PrivatePostgres.IsInstalled())
        {
            const string message = "PostgreSQL 15 is not installed at /usr/lib/postgresql/15/bin (Debian package postgresql-15).";
            if (TestEnvironment.IsCi)
            {
                Assert.Fail(message);
            }
            Assert.Skip(message);
        }
        var customers = SyntheticCustomers.Generate(200, 5, DateTimeOffset.UtcNow.AddHours(-1)).ToList();
        await using var files = SeedFiles.Create(directory.Path);
        foreach (var customer in customers)
        {
            await files.AddAsync(customer);
        }
        return customers;
    }

    [Fact]
    public async Task The_baseline_loads_the_seed_and_answers_a_screen_pop_in_one_query()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("lt-baseline");
        var customers = await SeedAsync(directory);

        await using var baseline = await PostgresBaseline.StartAsync(null, directory.Path, 4, TextWriter.Null, ct);
        var hit = await baseline.ScreenPopAsync(customers[17].Phones[0], ct);
        var card = await baseline.CardAsync(customers[17].Phones[0], ct);
        var miss = await baseline.ScreenPopAsync("+4900000000000", ct);
        var insert = await baseline.InsertContactsAsync("t", 3, () => customers[0].CustomerId, ct);

        Assert.True(hit.IsOk);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(card!), hit.SizeBytes);
        Assert.Equal((false, 404), (miss.IsOk, miss.Status));
        Assert.True(insert.IsOk);
        Assert.Contains("PostgreSQL 15", baseline.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_baseline_card_has_the_fields_of_the_engines_compact_card()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("lt-baseline-card");
        var customers = await SeedAsync(directory);
        // The customer with the most interactions, so the card must cut them to the latest ten.
        var busiest = customers.MaxBy(c => c.Events.Count(e => e.Type != "profileChanged"))!;
        var interactions = busiest.Events.Count(e => e.Type != "profileChanged");

        await using var baseline = await PostgresBaseline.StartAsync(null, directory.Path, 2, TextWriter.Null, ct);
        using var card = System.Text.Json.JsonDocument.Parse((await baseline.CardAsync(busiest.Phones[0], ct))!);
        var root = card.RootElement;

        var profile = root.GetProperty("profile");
        Assert.Equal(busiest.Name, profile.GetProperty("name").GetString());
        Assert.Equal(busiest.Phones.Count, profile.GetProperty("phones").GetArrayLength());
        Assert.All(profile.GetProperty("phones").EnumerateArray(), phone =>
        {
            var masked = phone.GetString()!;
            Assert.Matches(@"^\+•+[0-9]{4}$", masked);
            Assert.Contains(busiest.Phones, p => p.Length == masked.Length && p.EndsWith(masked[^4..], StringComparison.Ordinal));
        });
        Assert.Equal($"{busiest.Email[0]}•••{busiest.Email[busiest.Email.LastIndexOf('@')..]}", profile.GetProperty("email").GetString());
        Assert.Contains(root.GetProperty("tier").GetString(), new[] { "A", "B", "C", "D", "uncalibrated" });
        Assert.Contains(root.GetProperty("stage").GetString(), new[] { "prospect", "exploration", "formation", "stability", "decline", "churned" });
        Assert.False(string.IsNullOrEmpty(root.GetProperty("treatment").GetProperty("action").GetString()));

        var recent = root.GetProperty("recentInteractions").EnumerateArray().ToList();
        Assert.Equal(Math.Min(10, interactions), recent.Count);
        var times = recent.Select(r => r.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending().ToList(), times);
        Assert.All(recent, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("summary").GetString())));
        Assert.True(interactions > 10, $"the busiest synthetic customer has {interactions} interactions, so the cut to ten is exercised");
    }
}
