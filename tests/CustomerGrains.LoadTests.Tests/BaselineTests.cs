using CustomerGrains.LoadTests.Baseline;
using CustomerGrains.LoadTests.Data;
using CustomerGrains.Testing;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>The PostgreSQL baseline on a private server the runner starts itself (PrivatePostgres).</summary>
public sealed class BaselineTests
{
    [Fact]
    public async Task The_baseline_loads_the_seed_and_answers_a_screen_pop_in_one_query()
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
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("lt-baseline");
        var customers = SyntheticCustomers.Generate(200, 5, DateTimeOffset.UtcNow.AddHours(-1)).ToList();
        await using (var files = SeedFiles.Create(directory.Path))
        {
            foreach (var customer in customers)
            {
                await files.AddAsync(customer);
            }
        }

        await using var baseline = await PostgresBaseline.StartAsync(null, directory.Path, 4, TextWriter.Null, ct);
        var hit = await baseline.ScreenPopAsync(customers[17].Phones[0], ct);
        var miss = await baseline.ScreenPopAsync("+4900000000000", ct);
        var insert = await baseline.InsertContactsAsync("t", 3, () => customers[0].CustomerId, ct);

        Assert.True(hit.IsOk);
        Assert.True(hit.SizeBytes > 20, "the card's fields came back");
        Assert.Equal((false, 404), (miss.IsOk, miss.Status));
        Assert.True(insert.IsOk);
        Assert.Contains("PostgreSQL 15", baseline.Description, StringComparison.Ordinal);
    }
}
