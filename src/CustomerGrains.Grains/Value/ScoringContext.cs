using CustomerGrains.Domain.Value;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// The scoring model this silo uses right now. Grains read <see cref="Current"/> from memory on every
/// call; a background refresh swaps in new model and population versions as they are stored, so a new
/// fit reaches every silo without a restart.
/// </summary>
public sealed class ScoringContext(IOptions<ValueOptions> options)
{
    private volatile ScoringModel current = ScoringModel.Default(options.Value.ToModelOptions());

    public ScoringModel Current => current;

    /// <summary>
    /// Builds the scoring model from stored versions (defaults where none is stored) and installs it.
    /// A stored model that cannot score customers is refused: the current one stays, and the problems are thrown.
    /// </summary>
    public ScoringModel Install(StoredModel? model, StoredPopulation? population)
    {
        var fallback = ScoringModel.Default(options.Value.ToModelOptions());
        var valueModel = model is null ? fallback.Model : new ValueModel(model.Model.BgNbd, model.Model.GammaGamma, options.Value.ToModelOptions());
        var problems = model is null ? [] : ModelCheck.Problems(valueModel);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Value model m{model!.Version} cannot score customers: {string.Join("; ", problems)}");
        }
        var next = fallback with
        {
            ModelVersion = model is null ? fallback.ModelVersion : $"m{model.Version}",
            Model = valueModel,
            PopulationVersion = population is null ? fallback.PopulationVersion : $"p{population.Version}",
            Population = population?.Statistics ?? fallback.Population,
        };
        current = next;
        return next;
    }
}

/// <summary>Keeps <see cref="ScoringContext"/> in step with the stored versions.</summary>
internal sealed partial class ScoringContextRefresher(
    ScoringContext context,
    IValueModelStore store,
    IOptions<ValueOptions> options,
    TimeProvider time,
    ILogger<ScoringContextRefresher> logger) : BackgroundService
{
    private long? modelVersion;
    private long? populationVersion;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load once before the silo serves, so early reads do not use the defaults when a fit exists.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var model = await store.LatestModelAsync(cancellationToken);
            var population = await store.LatestPopulationAsync(cancellationToken);
            if (model?.Version == modelVersion && population?.Version == populationVersion)
            {
                return;
            }
            modelVersion = model?.Version;
            populationVersion = population?.Version;
            var installed = context.Install(model, population);
            LogInstalled(installed.ModelVersion, installed.PopulationVersion);
        }
        catch (InvalidOperationException ex)
        {
            LogRefused(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Scoring goes on with the versions it has; the next tick tries again.
            LogRefreshFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring with value model {ModelVersion} and population {PopulationVersion}")]
    private partial void LogInstalled(string modelVersion, string populationVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused a stored value model; scoring goes on with the current one")]
    private partial void LogRefused(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the stored value model; keeping the current one")]
    private partial void LogRefreshFailed(Exception ex);
}
