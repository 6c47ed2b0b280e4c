using System.Text.Json.Nodes;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Tests.Rules;

/// <summary>The rules of a past moment are rebuilt from the stored versions: the newest of each stored by then.</summary>
public sealed class RulesHistoryTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static string PolicyDocument(string version)
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        var document = JsonNode.Parse(stream)!;
        document["version"] = version;
        return document.ToJsonString();
    }

    private static FittedModel Model(double r) => new(new BgNbdParameters(r, 4.414, 0.793, 2.426), null, new GammaGammaParameters(6.25, 3.74, 15.44), null, 100, "test");

    [Fact]
    public async Task An_explanation_of_a_past_moment_gets_the_model_population_and_policy_stored_by_then_and_the_defaults_before_any()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("rules-history");
        var databases = EmbeddedDatabases.In(data.Path);
        await databases.Log.MigrateAsync(ct);
        var models = new SqliteValueModelStore(databases);
        var policies = new SqlitePolicyStore(databases);
        var first = await models.SaveModelAsync(Model(0.25), Day, ct);
        var population = await models.SavePopulationAsync(first, PopulationStatistics.Uncalibrated, Day.AddHours(1), ct);
        await policies.SaveAsync(new StoredPolicy("then", Day.AddHours(1), PolicyDocument("then")), ct);
        var second = await models.SaveModelAsync(Model(0.3), Day.AddDays(2), ct);
        await policies.SaveAsync(new StoredPolicy("now", Day.AddDays(2), PolicyDocument("now")), ct);
        var context = new RulesContext(Options.Create(new ValueModelOptions()), Options.Create(new LifecycleOptions()), Options.Create(new NeedOptions()));
        context.InstallScoring(await models.LatestModelAsync(ct), await models.LatestPopulationAsync(ct));
        context.InstallPolicy(PolicyJson.Parse(PolicyDocument("now")).Policy!);
        var history = new RulesHistory(context, models, policies);

        var (then, thenNote) = await history.AtAsync(Day.AddDays(1), ct);
        var (before, _) = await history.AtAsync(Day.AddMinutes(-1), ct);
        var (later, _) = await history.AtAsync(Day.AddDays(3), ct);

        Assert.Equal(($"m{first}", $"p{population}", "then"), (then.Scoring.ModelVersion, then.Scoring.PopulationVersion, then.Policy.Version));
        Assert.Equal(0.25, Assert.IsType<BgNbdParameters>(then.Scoring.Model.PurchaseModel).R);
        Assert.StartsWith("inForceAtAsOf", thenNote, StringComparison.Ordinal);
        Assert.Equal((ScoringModel.DefaultModelVersion, ScoringModel.UncalibratedPopulationVersion, Policy.Default.Version),
            (before.Scoring.ModelVersion, before.Scoring.PopulationVersion, before.Policy.Version));
        Assert.Equal(($"m{second}", "now"), (later.Scoring.ModelVersion, later.Policy.Version));
        // What is in force now is untouched.
        Assert.Equal(($"m{second}", "now"), (context.Current.Scoring.ModelVersion, context.Current.Policy.Version));
        SqliteConnection.ClearAllPools();
    }
}
