using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary>Two silos on one PostgreSQL database, for the data-rights tests.</summary>
public sealed class PrivacyCluster : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await PostgresCluster.StartAsync(silos: 2);

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>A customer's data rights over real HTTP on a cluster on PostgreSQL: exported and erased through either silo.</summary>
public sealed class PrivacyAcrossSilosTests(PrivacyCluster fixture) : IClassFixture<PrivacyCluster>
{
    private PostgresCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_export_through_either_silo_holds_everything_about_the_customer()
    {
        var customer = new PrivacyScenario("pg-export");
        using var first = new ApiClient(Cluster.Silos[0].BaseAddress);
        using var second = new ApiClient(Cluster.Silos[1].BaseAddress);
        await customer.SeedAsync(first);

        foreach (var api in new[] { first, second })
        {
            var (status, export) = await customer.ExportAsync(api);
            Assert.True(status == HttpStatusCode.OK, export.ToString());
            customer.AssertComplete(export);
        }
        var (_, last) = await customer.ExportAsync(first, DemoKeys.Service);
        Assert.Equal(2, last.GetProperty("audit").EnumerateArray().Count(a => a.GetProperty("path").GetString() == "export"));
    }

    [Fact]
    public async Task An_erasure_through_one_silo_forgets_the_customer_in_every_table_and_on_every_silo()
    {
        var customer = new PrivacyScenario("pg-erase");
        using var first = new ApiClient(Cluster.Silos[0].BaseAddress);
        using var second = new ApiClient(Cluster.Silos[1].BaseAddress);
        await customer.SeedAsync(first);
        // Read through both silos, so both have looked the customer up; the search finds the values while they are there.
        Assert.Equal(customer.Events, (await second.WaitForAppliedEventsAsync(customer.CustomerId, customer.Events)).GetProperty("appliedEvents").GetInt32());
        Assert.Contains(customer.CustomerId, await customer.ScreenPopAsync(second));
        Assert.Superset(new HashSet<string>([customer.Name, customer.Email, customer.E164, customer.Note]), (await TablesHoldingAsync(customer)).Keys.ToHashSet());

        var (status, erased) = await customer.EraseAsync(second, DemoKeys.Service);
        Assert.True(status == HttpStatusCode.OK, erased.ToString());
        Assert.Equal(customer.Events, erased.GetProperty("erasedEvents").GetInt32());

        await customer.AssertForgottenAsync(first);
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetCustomerAsync(customer.CustomerId)).Status);
        var left = await TablesHoldingAsync(customer);
        Assert.True(left.Count == 0, string.Join("; ", left.Select(x => $"{x.Key} in {string.Join(", ", x.Value)}")));
        await customer.AssertLaterEventsStartAnEmptyCustomerAsync(second);
    }

    /// <summary>Every personal value of the customer found in a row of any table of the database (bytea columns by their hex form), with the tables.</summary>
    private async Task<Dictionary<string, List<string>>> TablesHoldingAsync(PrivacyScenario customer)
    {
        var found = new Dictionary<string, List<string>>();
        await using var connection = new Npgsql.NpgsqlConnection(Cluster.Database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains("interaction_log", tables);
        foreach (var table in tables)
        {
            foreach (var value in customer.PersonalValues)
            {
                await using var search = new Npgsql.NpgsqlCommand(
                    $"SELECT count(*) FROM \"{table}\" t WHERE strpos(lower(t::text), lower(@v)) > 0 OR strpos(t::text, @hex) > 0", connection);
                search.Parameters.AddWithValue("v", value);
                search.Parameters.AddWithValue("hex", Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(value)));
                if ((long)(await search.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0)
                {
                    (found.TryGetValue(value, out var where) ? where : found[value] = []).Add(table);
                }
            }
        }
        return found;
    }
}
