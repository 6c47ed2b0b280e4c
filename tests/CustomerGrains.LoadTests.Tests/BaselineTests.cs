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
        var answer = await baseline.AnswerAsync(customers[17].Phones[0], ct);
        var miss = await baseline.ScreenPopAsync("+4900000000000", ct);
        var insert = await baseline.InsertContactsAsync("t", 3, () => customers[0].CustomerId, ct);

        Assert.True(hit.IsOk);
        // The timed call reports the answer's size; the answer carries its own moment (asOf), whose text may differ by a
        // few characters between the two calls.
        Assert.InRange(hit.SizeBytes, System.Text.Encoding.UTF8.GetByteCount(answer!) - 16, System.Text.Encoding.UTF8.GetByteCount(answer!) + 16);
        Assert.Equal((false, 404), (miss.IsOk, miss.Status));
        Assert.True(insert.IsOk);
        Assert.Contains("PostgreSQL 15", baseline.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_baseline_answers_every_customer_of_a_number_with_the_compact_cards_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("lt-baseline-card");
        var customers = await SeedAsync(directory);
        // The customer with the most interactions, so the card must cut them to the latest ten.
        var busiest = customers.MaxBy(c => c.Events.Count(e => e.Type != "profileChanged"))!;
        var interactions = busiest.Events.Count(e => e.Type != "profileChanged");
        // A household landline: one number, several customers.
        var shared = customers.SelectMany(c => c.Phones).GroupBy(p => p).First(g => g.Count() > 1);

        await using var baseline = await PostgresBaseline.StartAsync(null, directory.Path, 2, TextWriter.Null, ct);
        using var answer = System.Text.Json.JsonDocument.Parse((await baseline.AnswerAsync(busiest.Phones[0], ct))!);
        using var household = System.Text.Json.JsonDocument.Parse((await baseline.AnswerAsync(shared.Key, ct))!);
        var root = answer.RootElement;

        Assert.Equal(busiest.Phones[0], root.GetProperty("e164").GetString());
        var card = root.GetProperty("customers").EnumerateArray().Single(c => c.GetProperty("customerId").GetString() == busiest.CustomerId);
        Assert.Equal(busiest.Name, card.GetProperty("name").GetString());
        Assert.Equal(busiest.Phones.Count, card.GetProperty("phones").GetArrayLength());
        Assert.All(card.GetProperty("phones").EnumerateArray(), phone =>
        {
            var masked = phone.GetString()!;
            Assert.Matches(@"^\+•+[0-9]{4}$", masked);
            Assert.Contains(busiest.Phones, p => p.Length == masked.Length && p.EndsWith(masked[^4..], StringComparison.Ordinal));
        });
        Assert.Equal($"{busiest.Email[0]}•••{busiest.Email[busiest.Email.LastIndexOf('@')..]}", card.GetProperty("email").GetString());
        Assert.Contains(card.GetProperty("tier").GetString(), new[] { "A", "B", "C", "D" });
        Assert.Contains(card.GetProperty("tierName").GetString(), new[] { "Platinum", "Gold", "Silver", "Bronze" });
        Assert.Contains(card.GetProperty("stage").GetString(), new[] { "prospect", "exploration", "formation", "stability", "decline", "churned" });
        Assert.InRange(card.GetProperty("routingPriority").GetInt32(), 1, 4);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, card.GetProperty("actions").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, card.GetProperty("openComplaints").ValueKind);

        var recent = card.GetProperty("recentInteractions").EnumerateArray().ToList();
        Assert.Equal(Math.Min(10, interactions), recent.Count);
        var times = recent.Select(r => r.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending().ToList(), times);
        Assert.All(recent, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("summary").GetString())));
        Assert.True(interactions > 10, $"the busiest synthetic customer has {interactions} interactions, so the cut to ten is exercised");

        // Every customer of the shared number, most valuable first, as the engine lists a household.
        var members = household.RootElement.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal(shared.Count(), members.Count);
        var values = members.Select(m => m.GetProperty("netValue").GetDouble()).ToList();
        Assert.Equal(values.OrderDescending().ToList(), values);
    }
}
