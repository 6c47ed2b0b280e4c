using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Domain.Needs;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Rules;

/// <summary>
/// The rules this silo judges customers by right now: scoring model and population, service policy,
/// lifecycle and need options. Grains read <see cref="Current"/> from memory on every call; a background
/// refresh swaps in new stored versions, so a new fit or policy reaches every silo without a restart.
/// </summary>
public sealed class RulesContext(
    IOptions<ValueModelOptions> value, IOptions<LifecycleOptions> lifecycle, IOptions<NeedOptions> needs, IOptions<ContractualOptions>? contractual = null)
{
    private readonly ContractualOptions contractualOptions = contractual?.Value ?? new ContractualOptions();

    private volatile EngineRules current = new(
        ScoringModel.Default(value.Value) with { Contractual = contractual?.Value ?? new ContractualOptions() }, Policy.Default, lifecycle.Value, needs.Value);

    public EngineRules Current => current;

    /// <summary>
    /// Installs the scoring model built from stored versions (defaults where none is stored). A stored model
    /// that cannot score customers is refused with its problems; the current one stays.
    /// </summary>
    public ScoringModel InstallScoring(StoredModel? model, StoredPopulation? population)
    {
        var scoring = Scoring(model, population);
        current = current with { Scoring = scoring };
        return scoring;
    }

    /// <summary>The scoring model built from stored versions (defaults where none is given); throws for a model that cannot score customers.</summary>
    public ScoringModel Scoring(StoredModel? model, StoredPopulation? population)
    {
        var fallback = ScoringModel.Default(value.Value);
        var valueModel = model is null ? fallback.Model : model.Model.ValueModel(value.Value);
        var problems = model is null ? [] : ModelCheck.Problems(valueModel);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Value model m{model!.Version} cannot score customers: {string.Join("; ", problems)}");
        }
        return new ScoringModel(
            model is null ? fallback.ModelVersion : $"m{model.Version}",
            valueModel,
            population is null ? fallback.PopulationVersion : $"p{population.Version}",
            population?.Statistics ?? fallback.Population)
        {
            Contractual = contractualOptions,
            Confidence = model?.Model.Uncertainty?.ConfidenceOf(valueModel),
        };
    }

    /// <summary>Puts a validated policy in force in this silo.</summary>
    public void InstallPolicy(Policy policy) => current = current with { Policy = policy };
}

/// <summary>
/// The rules that were in force at a past moment, rebuilt from the stores, which keep every value model, population and
/// policy version with the time it was stored: the newest of each stored by then (the defaults where none was). Lifecycle
/// and need options are configuration, not versioned: the current ones are used.
/// </summary>
public sealed class RulesHistory(RulesContext context, IValueModelStore models, IPolicyStore policies)
{
    /// <summary>The rules in force at <paramref name="at"/>, and a note that says where each part comes from.</summary>
    public async Task<(EngineRules Rules, string Note)> AtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var current = context.Current;
        var model = await models.ModelAsOfAsync(at, cancellationToken);
        var population = await models.PopulationAsOfAsync(at, cancellationToken);
        var stored = await policies.AsOfAsync(at, cancellationToken);
        var notes = new List<string>(2);
        var policy = Policy.Default;
        if (stored is not null)
        {
            var (parsed, _) = PolicyJson.Parse(stored.Document);
            if (parsed is null)
            {
                policy = current.Policy;
                notes.Add($"the policy stored then ({stored.Version}) does not parse, so the current one was used");
            }
            else
            {
                policy = parsed;
            }
        }
        ScoringModel scoring;
        try
        {
            scoring = context.Scoring(model, population);
        }
        catch (InvalidOperationException ex)
        {
            scoring = current.Scoring;
            notes.Add($"the value model stored then was refused ({ex.Message}), so the current one was used");
        }
        return (current with { Scoring = scoring, Policy = policy },
            "inForceAtAsOf: the newest value model, population and policy stored by asOf (the defaults where none was stored); " +
            "lifecycle and need options are configuration and are the current ones" + (notes.Count > 0 ? "; " + string.Join("; ", notes) : ""));
    }
}

/// <summary>Keeps <see cref="RulesContext"/> in step with the stored model, population and policy versions.</summary>
internal sealed partial class RulesRefresher(
    RulesContext context,
    IValueModelStore models,
    IPolicyStore policies,
    IOptions<ValueOptions> options,
    TimeProvider time,
    ILogger<RulesRefresher> logger) : BackgroundService
{
    private long? modelVersion;
    private long? populationVersion;
    private string? refusedPolicyVersion;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load once before the silo serves, so early reads do not use the defaults when stored versions exist.
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
            var model = await models.LatestModelAsync(cancellationToken);
            var population = await models.LatestPopulationAsync(cancellationToken);
            if (model?.Version != modelVersion || population?.Version != populationVersion)
            {
                modelVersion = model?.Version;
                populationVersion = population?.Version;
                var installed = context.InstallScoring(model, population);
                LogScoring(installed.ModelVersion, installed.PopulationVersion);
            }
            var policy = await policies.LatestAsync(cancellationToken);
            // Compared with the policy in force, not the one last read: a PUT on this silo installs its policy at once,
            // and when two PUTs race on different silos the stored latest must still win everywhere.
            if (policy is not null && policy.Version != context.Current.Policy.Version && policy.Version != refusedPolicyVersion)
            {
                var (parsed, errors) = PolicyJson.Parse(policy.Document);
                if (parsed is null)
                {
                    refusedPolicyVersion = policy.Version;
                    LogPolicyRefused(policy.Version, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Reason}")));
                }
                else
                {
                    context.InstallPolicy(parsed);
                    LogPolicy(parsed.Version);
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            LogRefused(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Judging goes on with the versions this silo has; the next tick tries again.
            LogRefreshFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring with value model {ModelVersion} and population {PopulationVersion}")]
    private partial void LogScoring(string modelVersion, string populationVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service policy {Version} in force")]
    private partial void LogPolicy(string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored policy {Version} is invalid and was not installed: {Errors}")]
    private partial void LogPolicyRefused(string version, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused a stored value model; scoring goes on with the current one")]
    private partial void LogRefused(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the stored rules; keeping the current ones")]
    private partial void LogRefreshFailed(Exception ex);
}
