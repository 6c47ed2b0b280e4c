using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Tests.Value;

public sealed class SqliteValueModelStoreTests
{
    private static async Task<SqliteValueModelStore> MigratedStoreAsync(TempDirectory data, CancellationToken ct)
    {
        var databases = EmbeddedDatabases.In(data.Path);
        await databases.Log.MigrateAsync(ct);
        return new SqliteValueModelStore(databases);
    }

    [Fact]
    public async Task A_model_version_keeps_its_chosen_repeat_purchase_model_and_the_evidence_for_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("model-evidence");
        var store = await MigratedStoreAsync(data, ct);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var bgNbd = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
        var pareto = new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669);
        var evidence = new ModelEvidence(
            RepeatPurchaseModelChoice.Auto, RepeatPurchaseModelKind.ParetoNbd, "Pareto/NBD has the lower hold-out error.",
            new DateOnly(1997, 9, 30), new DateOnly(1998, 6, 30),
            [
                new CandidateEvidence(RepeatPurchaseModelKind.BgNbd, bgNbd.Describe(), -9582.43, new HoldoutErrors(1882, 1653.4, 0.224, 0.785)),
                new CandidateEvidence(RepeatPurchaseModelKind.ParetoNbd, pareto.Describe(), -9594.98, new HoldoutErrors(1882, 1665.5, 0.101, 0.755)),
            ]);
        var plain = new FittedModel(bgNbd, -9582.43, new GammaGammaParameters(6.25, 3.74, 15.44), -4055.9, 2357, "summary.csv");

        await store.SaveModelAsync(plain, at, ct);
        var before = await store.LatestModelAsync(ct);
        await store.SaveModelAsync(plain with { Kind = RepeatPurchaseModelKind.ParetoNbd, ParetoNbd = pareto, ParetoNbdLogLikelihood = -9594.98, Evidence = evidence }, at, ct);
        var latest = await store.LatestModelAsync(ct);

        Assert.Equal(RepeatPurchaseModelKind.BgNbd, before!.Model.Kind);
        Assert.Null(before.Model.Evidence);
        Assert.Equal(before.Model.BgNbd, before.Model.PurchaseModel);
        Assert.Equal(RepeatPurchaseModelKind.ParetoNbd, latest!.Model.Kind);
        Assert.Equal(pareto, latest.Model.PurchaseModel);
        Assert.Equal(-9594.98, latest.Model.ParetoNbdLogLikelihood);
        Assert.Equal(evidence with { Candidates = [] }, latest.Model.Evidence! with { Candidates = [] });
        Assert.Equal(evidence.Candidates, latest.Model.Evidence!.Candidates);
        Assert.Equal(RepeatPurchaseModelKind.ParetoNbd, latest.Model.ValueModel(new ValueModelOptions()).PurchaseModel.Kind);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_model_version_keeps_its_parameter_uncertainty_and_is_found_by_its_number()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("model-uncertainty");
        var store = await MigratedStoreAsync(data, ct);
        var gammaGamma = new GammaGammaParameters(6.25, 3.74, 15.44);
        var uncertainty = new FittedUncertainty(
            new ParameterUncertainty(ParameterUncertainty.BgNbdNames, [0.243, 4.414, 0.793, 2.426],
                [[0.0027, 0.0031, 0, 0], [0.0031, 0.0074, 0, 0], [0, 0, 0.055, 0.07], [0, 0, 0.07, 0.085]]),
            null,
            new ParameterUncertainty(ParameterUncertainty.GammaGammaNames, [6.25, 3.74, 15.44], [[0.04, 0, 0], [0, 0.02, 0], [0, 0, 0.06]]));
        var fitted = new FittedModel(new BgNbdParameters(0.243, 4.414, 0.793, 2.426), -9582.43, gammaGamma, -4055.9, 2357, "summary.csv");

        var older = await store.SaveModelAsync(fitted, new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), ct);
        var version = await store.SaveModelAsync(fitted with { Uncertainty = uncertainty }, new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero), ct);
        var read = (await store.ModelVersionAsync(version, ct))!.Model;

        Assert.Null((await store.ModelVersionAsync(older, ct))!.Model.Uncertainty);
        Assert.Null(await store.ModelVersionAsync(version + 1, ct));
        Assert.Equal(uncertainty.BgNbd!.LogCovariance.SelectMany(row => row), read.Uncertainty!.BgNbd!.LogCovariance.SelectMany(row => row));
        Assert.Equal(uncertainty.GammaGamma!.StandardErrors(), read.Uncertainty.GammaGamma!.StandardErrors());
        Assert.Null(read.Uncertainty.ParetoNbd);
        Assert.NotNull(read.Uncertainty.ConfidenceOf(read.ValueModel(new ValueModelOptions())));
        SqliteConnection.ClearAllPools();
    }
}
