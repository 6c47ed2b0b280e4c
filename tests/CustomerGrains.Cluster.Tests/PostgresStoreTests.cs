using CustomerGrains.Grains.ScreenPop;
using System.Text.Json;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// The stores that every silo of a cluster shares, on a real PostgreSQL: the value model versions, the population
/// measurements, the customer read model, the service policies and the lifecycle alerts.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server)
{
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<PostgresDatabase> MigratedAsync()
    {
        var database = new PostgresDatabase(await server.NewDatabaseAsync());
        await database.MigrateAsync(Ct);
        return database;
    }

    private static FittedModel Model(double r, double? likelihood) => new(
        new BgNbdParameters(r, 4.41, 0.793, 2.43), likelihood, new GammaGammaParameters(6.25, 3.74, 15.4), -3.5e4, 2357, "test");

    [Fact]
    public async Task The_audit_trail_keeps_what_it_was_given_and_refuses_to_change_or_remove_it()
    {
        await using var database = await MigratedAsync();
        await using var audit = new PostgresAuditTrail(database);
        await audit.AppendAsync([new AuditEntry(0, Day, "super1", "supervisor", "c-1", "snapshot", null)], Ct);

        await AssertRefusedAsync(database, "append-only", "UPDATE audit_trail SET actor = 'nobody'", "DELETE FROM audit_trail", "TRUNCATE audit_trail");
        var kept = Assert.Single(await audit.ReadAsync("c-1", null, 10, Ct));
        Assert.Equal(("super1", "snapshot"), (kept.Actor, kept.Path));
    }

    /// <summary>Runs each statement and checks it is refused with <paramref name="message"/>.</summary>
    private static async Task AssertRefusedAsync(PostgresDatabase database, string message, params string[] changes)
    {
        foreach (var change in changes)
        {
            await using var connection = await database.OpenAsync(Ct);
            await using var command = new Npgsql.NpgsqlCommand(change, connection);
            var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
            Assert.Contains(message, refused.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_erasure_replaces_the_details_of_the_customers_audit_entries_and_nothing_else_can_change_them()
    {
        await using var database = await MigratedAsync();
        await using var audit = new PostgresAuditTrail(database);
        await audit.AppendAsync([
            new AuditEntry(0, Day, "agent1", "agent", "c-1", "screenpop", "ani +16465550100"),
            new AuditEntry(0, Day, "agent1", "agent", "c-2", "screenpop", "ani +16465550199"),
        ], Ct);

        await AssertRefusedAsync(database, "only a detail can be erased",
            "UPDATE audit_trail SET detail = 'forged'", "UPDATE audit_trail SET detail = '[erased]', actor = 'nobody'");
        Assert.Equal(1, await audit.EraseDetailsAsync("c-1", Ct));
        Assert.Equal(0, await audit.EraseDetailsAsync("c-1", Ct));
        var erased = Assert.Single(await audit.ReadAsync("c-1", null, 10, Ct));
        Assert.Equal(("agent1", "screenpop", Day, AuditEntry.ErasedDetail), (erased.Actor, erased.Path, erased.At, erased.Detail));
        Assert.Equal("ani +16465550199", Assert.Single(await audit.ReadAsync("c-2", null, 10, Ct)).Detail);
    }

    [Fact]
    public async Task A_model_version_keeps_its_chosen_Pareto_NBD_model_and_the_evidence_for_it()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresValueModelStore(database);
        var pareto = new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669);
        var evidence = new ModelEvidence(
            RepeatPurchaseModelChoice.ParetoNbd, RepeatPurchaseModelKind.ParetoNbd, "Pareto/NBD was asked for.", null, null,
            [new CandidateEvidence(RepeatPurchaseModelKind.ParetoNbd, pareto.Describe(), -9594.98, null)]);

        await store.SaveModelAsync(Model(0.243, -9582.43) with { Kind = RepeatPurchaseModelKind.ParetoNbd, ParetoNbd = pareto, Evidence = evidence }, Day, Ct);
        var latest = (await store.LatestModelAsync(Ct))!.Model;

        Assert.Equal(RepeatPurchaseModelKind.ParetoNbd, latest.Kind);
        Assert.Equal(pareto, latest.PurchaseModel);
        Assert.Null(latest.ParetoNbdLogLikelihood);
        Assert.Equal(evidence.Reason, latest.Evidence!.Reason);
        Assert.Equal(evidence.Candidates, latest.Evidence.Candidates);
    }

    [Fact]
    public async Task A_model_version_keeps_the_Pareto_NBD_uncertainty_and_is_found_by_its_number()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresValueModelStore(database);
        var pareto = new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669);
        var spread = new ParameterUncertainty(ParameterUncertainty.ParetoNbdNames, [0.553, 10.578, 0.606, 11.669],
            [[0.0074, 0.006, 0, 0], [0.006, 0.0063, 0, 0], [0, 0, 0.095, 0.2], [0, 0, 0.2, 0.28]]);
        var model = Model(0.243, -9582.43) with { Kind = RepeatPurchaseModelKind.ParetoNbd, ParetoNbd = pareto, Uncertainty = new(null, spread, null) };

        var version = await store.SaveModelAsync(model, Day, Ct);
        var read = (await store.ModelVersionAsync(version, Ct))!.Model;

        Assert.Null(await store.ModelVersionAsync(version + 1, Ct));
        Assert.Equal(spread.LogCovariance.SelectMany(row => row), read.Uncertainty!.Of(RepeatPurchaseModelKind.ParetoNbd)!.LogCovariance.SelectMany(row => row));
        Assert.Null(read.Uncertainty.BgNbd);
        // Without the spend model's uncertainty there is no CLV interval to give.
        Assert.Null(read.Uncertainty.ConfidenceOf(read.ValueModel(new ValueModelOptions())));
    }

    [Fact]
    public async Task Model_versions_grow_and_the_latest_round_trips_with_its_population()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresValueModelStore(database);
        var readModel = new PostgresCustomerReadModel(database);
        Assert.Null(await store.LatestModelAsync(Ct));
        Assert.Null(await store.LatestPopulationAsync(Ct));

        var first = await store.SaveModelAsync(Model(0.243, -9582.43), Day, Ct);
        var second = await store.SaveModelAsync(Model(0.25, null), Day.AddHours(1), Ct);

        Assert.True(second > first);
        var latest = await store.LatestModelAsync(Ct);
        Assert.NotNull(latest);
        Assert.Equal(second, latest.Version);
        Assert.Equal(Day.AddHours(1), latest.CreatedAt);
        Assert.Equal(Model(0.25, null), latest.Model);
        // The version in force at a past moment: the newest stored by then, none before the first.
        Assert.Equal(first, (await store.ModelAsOfAsync(Day.AddMinutes(30), Ct))?.Version);
        Assert.Null(await store.ModelAsOfAsync(Day.AddMinutes(-1), Ct));

        // A population measured over the read model under the latest model.
        for (var c = 0; c < 30; c++)
        {
            await readModel.UpsertAsync(Row($"m-{c}", Day.AddDays(-200 + c), repeats: c % 5, stage: "active", review: null,
                traits: new Dictionary<string, double> { ["price"] = c / 30.0 }), Ct);
        }
        var measured = await new PopulationMeasurement(readModel, store, Options.Create(new ValueModelOptions()), Options.Create(new ValueOptions()), new FixedTime(Day.AddHours(2)))
            .MeasureAsync(Ct);
        Assert.NotNull(measured);
        Assert.Equal(second, measured.ModelVersion);
        Assert.Equal(30, measured.Statistics.Customers);

        var population = await store.LatestPopulationAsync(Ct);
        Assert.NotNull(population);
        Assert.Equal(measured.Version, population.Version);
        Assert.Equal(second, population.ModelVersion);
        Assert.Equal(Day.AddHours(2), population.CreatedAt);
        Assert.Equal(Json(measured.Statistics), Json(population.Statistics));
        Assert.Null(await store.PopulationAsOfAsync(Day.AddHours(1), Ct));
        Assert.Equal(measured.Version, (await store.PopulationAsOfAsync(Day.AddHours(3), Ct))?.Version);
    }

    [Fact]
    public async Task A_population_may_be_measured_before_any_model_is_fitted()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresValueModelStore(database);

        var version = await store.SavePopulationAsync(null, PopulationStatistics.Uncalibrated, Day, Ct);

        var population = await store.LatestPopulationAsync(Ct);
        Assert.Equal(version, population?.Version);
        Assert.Null(population?.ModelVersion);
        Assert.Equal(Json(PopulationStatistics.Uncalibrated), Json(population!.Statistics));
    }

    [Fact]
    public async Task A_read_model_row_round_trips_and_a_later_write_replaces_it()
    {
        await using var database = await MigratedAsync();
        var readModel = new PostgresCustomerReadModel(database);
        var row = Row("r-1", Day.AddDays(-90), repeats: 3, stage: "active", review: Day.AddDays(30),
            traits: new Dictionary<string, double> { ["service"] = 0.25, ["price"] = 1 });

        await readModel.UpsertAsync(row, Ct);
        var member = Assert.Single(await ReadAllAsync(readModel));
        Assert.Equal(row.Inputs, member.Inputs);
        Assert.Equal(row.NeedTraits, member.NeedTraits);

        var later = Row("r-1", Day.AddDays(-90), repeats: 4, stage: "declining", review: null, traits: null);
        await readModel.UpsertAsync(later, Ct);
        member = Assert.Single(await ReadAllAsync(readModel));
        Assert.Equal(later.Inputs, member.Inputs);
        Assert.Null(member.NeedTraits);
        Assert.Empty(await readModel.DueForReviewAsync(Day.AddYears(1), 10, Ct));
    }

    [Fact]
    public async Task First_writes_of_one_customer_racing_from_several_silos_all_succeed_and_leave_one_row()
    {
        await using var database = await MigratedAsync();
        // One store per silo, each with its own pool, as in a cluster.
        var silos = new List<PostgresDatabase>();
        for (var s = 0; s < 4; s++)
        {
            silos.Add(new PostgresDatabase(database.ConnectionString));
        }
        try
        {
            for (var round = 0; round < 5; round++)
            {
                var customer = $"race-{round}";
                await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(() =>
                    new PostgresCustomerReadModel(silos[w % silos.Count]).UpsertAsync(
                        Row(customer, Day.AddDays(-100), repeats: w, stage: "active", review: Day.AddDays(w), traits: null), Ct), Ct)));
            }

            var members = await ReadAllAsync(new PostgresCustomerReadModel(database));
            Assert.Equal(5, members.Count);
            Assert.All(members, m => Assert.InRange(m.Inputs.RepeatPurchaseCount, 0, 15));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_population_is_read_whole_across_pages_and_the_sweep_gets_the_due_customers_oldest_first()
    {
        await using var database = await MigratedAsync();
        var readModel = new PostgresCustomerReadModel(database);
        // More customers than one page holds, written in one statement.
        await using (var connection = await database.OpenAsync(Ct))
        await using (var fill = new NpgsqlCommand("""
            INSERT INTO customer_read_model (customer_id, repeat_purchases, repeat_net_spend, call_minutes, complaints, returns,
                purchases, net_spend, updated_at)
            SELECT 'bulk-' || lpad(n::text, 5, '0'), n % 7, n, 0, 0, 0, 1 + n % 7, n, now() FROM generate_series(1, 12345) AS n
            """, connection))
        {
            await fill.ExecuteNonQueryAsync(Ct);
        }
        await readModel.UpsertAsync(Row("due-late", Day, 1, "active", Day.AddDays(3), null), Ct);
        await readModel.UpsertAsync(Row("due-early", Day, 1, "active", Day.AddDays(1), null), Ct);
        await readModel.UpsertAsync(Row("due-middle", Day, 1, "active", Day.AddDays(2), null), Ct);
        await readModel.UpsertAsync(Row("not-due", Day, 1, "active", Day.AddDays(30), null), Ct);

        var members = await ReadAllAsync(readModel);
        Assert.Equal(12345 + 4, members.Count);
        Assert.Equal(Enumerable.Range(1, 12345).Sum(n => (double)n) + 4 * 10, members.Sum(m => m.Inputs.TotalNetSpend));

        Assert.Equal(["due-early", "due-middle", "due-late"], await readModel.DueForReviewAsync(Day.AddDays(3), 10, Ct));
        Assert.Equal(["due-early", "due-middle"], await readModel.DueForReviewAsync(Day.AddDays(3), 2, Ct));
        Assert.Empty(await readModel.DueForReviewAsync(Day, 10, Ct));
    }

    [Fact]
    public async Task A_policy_version_is_installed_once_and_the_newest_is_in_force()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresPolicyStore(database);
        Assert.Null(await store.LatestAsync(Ct));

        Assert.True(await store.SaveAsync(new StoredPolicy("v1", Day, """{"version":"v1"}"""), Ct));
        Assert.False(await store.SaveAsync(new StoredPolicy("v1", Day.AddMinutes(1), """{"version":"v1","other":true}"""), Ct));
        Assert.True(await store.SaveAsync(new StoredPolicy("v2", Day.AddMinutes(2), """{"version":"v2"}"""), Ct));

        var latest = await store.LatestAsync(Ct);
        Assert.Equal(new StoredPolicy("v2", Day.AddMinutes(2), """{"version":"v2"}"""), latest);
        Assert.Equal("v1", (await store.AsOfAsync(Day.AddMinutes(1), Ct))?.Version);
        Assert.Null(await store.AsOfAsync(Day.AddSeconds(-1), Ct));

        // The same new version sent to several silos at once: exactly one of them installs it.
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            store.SaveAsync(new StoredPolicy("v3", Day.AddMinutes(3), $$"""{"version":"v3","from":{{i}}}"""), Ct), Ct)));
        Assert.Single(racing, saved => saved);
        Assert.Equal("v3", (await store.LatestAsync(Ct))?.Version);
    }

    [Fact]
    public async Task An_alert_is_recorded_once_however_often_and_wherever_it_is_noticed()
    {
        await using var database = await MigratedAsync();
        var alerts = new PostgresCustomerAlerts(database);
        var alert = new CustomerAlert(0, "a-1", "churned", "declining", "churned", Day, "no purchase for 200 days");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => alerts.AppendAsync(alert, Ct), Ct)));
        await alerts.AppendAsync(alert with { Kind = "declined", FromStage = null, ToStage = "declining", At = Day.AddDays(-60) }, Ct);
        await alerts.AppendAsync(alert with { CustomerId = "a-2" }, Ct);

        var all = await alerts.ReadAsync(0, 100, null, Ct);
        Assert.Equal(3, all.Count);
        Assert.True(all[0].Id < all[1].Id && all[1].Id < all[2].Id);
        Assert.Equal(alert with { Id = all[0].Id }, all[0]);
        Assert.Null(all[1].FromStage);

        var ofOne = await alerts.ReadAsync(0, 100, "a-1", Ct);
        Assert.Equal(["churned", "declining"], ofOne.Select(a => a.ToStage));
        Assert.Equal([all[1]], await alerts.ReadAsync(all[0].Id, 1, null, Ct));
        Assert.Empty(await alerts.ReadAsync(all[2].Id, 100, null, Ct));
    }

    [Fact]
    public async Task A_reader_paging_through_the_alerts_never_skips_one_that_commits_after_a_higher_id()
    {
        await using var database = await MigratedAsync();
        var writers = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(database.ConnectionString)).ToArray();
        var reader = new PostgresCustomerAlerts(database);
        const int PerWriter = 60;

        var writing = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var alerts = new PostgresCustomerAlerts(writers[w % writers.Length]);
            for (var k = 0; k < PerWriter; k++)
            {
                await alerts.AppendAsync(new CustomerAlert(0, $"w{w}-c{k}", "churned", "declining", "churned", Day.AddMinutes(k), "test"), Ct);
            }
        }, Ct)));

        // Tailed as a consumer of GET /api/alerts does: always after the last id seen.
        var seen = new List<long>();
        var last = 0L;
        while (true)
        {
            var done = writing.IsCompleted;
            var page = await reader.ReadAsync(last, 25, null, Ct);
            foreach (var alert in page)
            {
                seen.Add(alert.Id);
                last = alert.Id;
            }
            if (done && page.Count == 0)
            {
                break;
            }
        }
        await writing;

        var all = (await reader.ReadAsync(0, 10_000, null, Ct)).Select(a => a.Id).ToList();
        Assert.Equal(8 * PerWriter, all.Count);
        Assert.Equal(all, seen);
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task In_postgres_mode_the_stores_and_the_migrations_use_postgresql_and_leave_no_sqlite_file()
    {
        var cs = await server.NewDatabaseAsync();
        using var data = new TempDirectory("pg-mode");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "Postgres",
            ["Storage:Postgres:ConnectionString"] = cs,
            ["Storage:DataDirectory"] = data.Path,
        }).Build();
        await using var services = new ServiceCollection().AddCustomerGrainsStorage(configuration).BuildServiceProvider();

        var applied = await services.GetRequiredService<SchemaMigrations>().ApplyAsync(Ct);
        Assert.Contains("log-002-value-model-and-read-model.sql", applied);
        Assert.Contains("log-003-policy-and-alerts.sql", applied);
        Assert.IsType<PostgresValueModelStore>(services.GetRequiredService<IValueModelStore>());
        Assert.IsType<PostgresCustomerReadModel>(services.GetRequiredService<ICustomerReadModel>());
        Assert.IsType<PostgresPolicyStore>(services.GetRequiredService<IPolicyStore>());
        Assert.IsType<PostgresCustomerAlerts>(services.GetRequiredService<ICustomerAlerts>());
        Assert.Null(services.GetService<EmbeddedDatabases>());
        Assert.True(await services.GetRequiredService<IPolicyStore>().SaveAsync(new StoredPolicy("p", Day, "{}"), Ct));
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact]
    public async Task Every_postgres_script_can_run_again_over_its_own_result()
    {
        await using var database = await MigratedAsync();
        await using var connection = await database.OpenAsync(Ct);
        foreach (var script in Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "deploy", "sql", "postgres"), "*.sql").Order(StringComparer.Ordinal))
        {
            await using var again = new NpgsqlCommand(await File.ReadAllTextAsync(script, Ct), connection);
            await again.ExecuteNonQueryAsync(Ct);
        }
    }

    private static CustomerReadModelRow Row(string id, DateTimeOffset first, int repeats, string? stage, DateTimeOffset? review,
        IReadOnlyDictionary<string, double>? traits) => new(
        id,
        new ValueInputs
        {
            FirstSeenAt = first.AddDays(-3),
            FirstPurchaseAt = first,
            RepeatPurchaseCount = repeats,
            LastRepeatPurchaseAt = repeats > 0 ? first.AddDays(7 * repeats) : null,
            RepeatNetSpendSum = 12.5 * repeats,
            RepeatSpendCount = repeats,
            CallMinutes = 4.25,
            ComplaintCount = 1,
            ReturnCount = 2,
            LastPurchaseAt = first.AddDays(7 * repeats),
            TotalPurchaseCount = repeats + 1,
            TotalNetSpend = 10,
        },
        stage,
        review,
        traits,
        Day);

    private static async Task<List<PopulationMember>> ReadAllAsync(ICustomerReadModel readModel)
    {
        var members = new List<PopulationMember>();
        await foreach (var member in readModel.ReadPopulationAsync(Ct))
        {
            members.Add(member);
        }
        return members;
    }

    private static string Json(PopulationStatistics statistics) =>
        JsonSerializer.Serialize(statistics, new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        });

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
