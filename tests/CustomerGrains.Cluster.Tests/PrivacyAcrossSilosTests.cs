using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// Two silos on one PostgreSQL database, for the data-rights tests, with the retentions of <see cref="RetentionScenario"/>
/// (audit details after <see cref="AuditRetention"/>); the lifecycle sweep's reminder is set to a day, so retention runs
/// only when a test asks.
/// </summary>
public sealed class PrivacyCluster : IAsyncLifetime
{
    public static readonly TimeSpan AuditRetention = TimeSpan.FromSeconds(30);

    public PostgresCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await PostgresCluster.StartAsync(silos: 2,
        new Dictionary<string, string>(RetentionScenario.Settings(AuditRetention)) { ["Maintenance:LifecycleSweepInterval"] = "1.00:00:00" });

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
        Assert.Superset(new HashSet<string>([customer.Name, customer.Email, customer.E164, customer.Note]), (await TablesHoldingAsync(customer.PersonalValues)).Keys.ToHashSet());

        var (status, erased) = await customer.EraseAsync(second, DemoKeys.Service);
        Assert.True(status == HttpStatusCode.OK, erased.ToString());
        Assert.Equal(customer.Events, erased.GetProperty("erasedEvents").GetInt32());

        await customer.AssertForgottenAsync(first);
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetCustomerAsync(customer.CustomerId)).Status);
        var left = await TablesHoldingAsync(customer.PersonalValues);
        Assert.True(left.Count == 0, string.Join("; ", left.Select(x => $"{x.Key} in {string.Join(", ", x.Value)}")));
        await customer.AssertLaterEventsStartAnEmptyCustomerAsync(second);
    }

    [Fact]
    public async Task Retention_run_through_one_silo_shreds_old_personal_data_in_every_table_and_keeps_newer_data_and_the_figures()
    {
        var customer = new RetentionScenario("pg-retain");
        using var first = new ApiClient(Cluster.Silos[0].BaseAddress);
        using var second = new ApiClient(Cluster.Silos[1].BaseAddress);
        await customer.SeedAsync(first);
        var figures = await customer.FiguresAsync(second);
        Assert.Equal(customer.Shredded.Count, (await TablesHoldingAsync(customer.Shredded)).Count);

        var (status, report) = await RetentionScenario.ReportAsync(second, DemoKeys.Service);
        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.True(RetentionScenario.Kind(report, "notes").GetProperty("items").GetInt32() >= 1, report.ToString());
        Assert.True(RetentionScenario.Kind(report, "events").GetProperty("items").GetInt32() >= 1, report.ToString());
        Assert.Equal(customer.Shredded.Count, (await TablesHoldingAsync(customer.Shredded)).Count);

        var (_, seeded) = await customer.ExportAsync(first);
        var popped = seeded.GetProperty("audit").EnumerateArray().First(a => a.GetProperty("path").GetString() == "screenpop");
        await Eventually.UntilAsync(() => RetentionScenario.ReportAsync(first),
            r => RetentionScenario.Kind(r.Body, "audit").GetProperty("before").GetDateTimeOffset() > popped.GetProperty("at").GetDateTimeOffset(),
            "the screen-pop's audit entry to be older than the audit retention", PrivacyCluster.AuditRetention * 4);
        await customer.ScreenPopAsync(second);

        var (ran, run) = await RetentionScenario.RunAsync(first);
        Assert.True(ran == HttpStatusCode.OK, run.ToString());
        Assert.True(RetentionScenario.Kind(run, "audit").GetProperty("items").GetInt32() >= 1, run.ToString());

        var left = await TablesHoldingAsync(customer.Shredded);
        Assert.True(left.Count == 0, string.Join("; ", left.Select(x => $"{x.Key} in {string.Join(", ", x.Value)}")));
        Assert.Equal(customer.Kept.Count, (await TablesHoldingAsync(customer.Kept)).Count);
        var (_, export) = await customer.ExportAsync(second);
        customer.AssertExportAfterRetention(export);
        Assert.Equal("[erased]", export.GetProperty("audit").EnumerateArray()
            .Single(a => a.GetProperty("id").GetInt64() == popped.GetProperty("id").GetInt64()).GetProperty("detail").GetString());
        Assert.Contains(export.GetProperty("audit").EnumerateArray(),
            a => a.GetProperty("path").GetString() == "screenpop" && a.GetProperty("detail").GetString()!.Contains(customer.NewE164, StringComparison.Ordinal));
        foreach (var api in new[] { first, second })
        {
            Assert.Equal(figures, await customer.FiguresAsync(api));
        }
        var (_, again) = await RetentionScenario.RunAsync(second, DemoKeys.Service);
        Assert.Equal(0, RetentionScenario.Kind(again, "notes").GetProperty("items").GetInt32());
        Assert.Equal(0, RetentionScenario.Kind(again, "events").GetProperty("items").GetInt32());
    }

    /// <summary>Every one of <paramref name="values"/> found in a row of any table of the database (bytea columns by their hex form), with the tables.</summary>
    private async Task<Dictionary<string, List<string>>> TablesHoldingAsync(IEnumerable<string> values)
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
            foreach (var value in values)
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
