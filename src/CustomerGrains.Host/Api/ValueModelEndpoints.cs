using System.Globalization;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Grains.Value;
using CustomerGrains.Host.Agents;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>The value model in force and any stored version, with the evidence <c>fit</c> stored for it.</summary>
internal static class ValueModelEndpoints
{
    public static RouteGroupBuilder MapValueModelEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/value-model", GetCurrentAsync)
            .RequireAuthorization(Access.ReadPopulation)
            .WithName("GetValueModel")
            .WithSummary("The value model this engine scores with: its parameters with standard errors and intervals, log-likelihoods, and the evidence fit stored for the model choice")
            .Produces<ValueModelResponse>();
        api.MapGet("/value-model/{version}", GetVersionAsync)
            .RequireAuthorization(Access.ReadPopulation)
            .WithName("GetValueModelVersion")
            .WithSummary("A stored value model version (m3, as a card's modelVersion names it): its parameters with standard errors and intervals, log-likelihoods and evidence")
            .Produces<ValueModelResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static Task<IResult> GetCurrentAsync(IValueModelStore store, RulesContext rules, IOptions<ValueModelOptions> options, CancellationToken cancellationToken) =>
        GetVersionAsync(rules.Current.Scoring.ModelVersion, store, rules, options, cancellationToken);

    private static async Task<IResult> GetVersionAsync(
        string version, IValueModelStore store, RulesContext rules, IOptions<ValueModelOptions> options, CancellationToken cancellationToken)
    {
        var inForce = rules.Current.Scoring.ModelVersion;
        if (version == ScoringModel.DefaultModelVersion)
        {
            return Results.Ok(ValueModelResponse.Default(ScoringModel.Default(options.Value).Model, inForce == version));
        }
        var digits = version.StartsWith('m') ? version[1..] : version;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return Problems.BadRequest("The model version is invalid",
                $"'{version}' is not a value model version: expected m followed by a number, e.g. m3 (a card's modelVersion), or {ScoringModel.DefaultModelVersion}.");
        }
        var stored = await store.ModelVersionAsync(number, cancellationToken);
        return stored is null
            ? Problems.NotFound("Unknown value model version", $"No value model m{number} is stored; GET /api/value-model shows the one in force.")
            : Results.Ok(ValueModelResponse.Of(stored, inForce == $"m{stored.Version}"));
    }
}

/// <summary>
/// A value model version and the evidence for it. <see cref="RepeatPurchaseModel"/> is the model the engine scores
/// repeat purchases with under this version (with Gamma-Gamma for spend); <see cref="Models"/> holds every model fitted,
/// each parameter with its standard error and interval at <see cref="IntervalLevel"/> (null without stored uncertainty);
/// <see cref="Evidence"/> is what <c>fit</c> stored for the choice (null for the default and older versions).
/// </summary>
public sealed record ValueModelResponse(
    string ModelVersion,
    bool InForce,
    DateTimeOffset? FittedAt,
    string Source,
    int? Customers,
    RepeatPurchaseModelKind RepeatPurchaseModel,
    double IntervalLevel,
    IReadOnlyList<FittedModelEstimates> Models,
    ModelEvidence? Evidence,
    string? Note)
{
    private const string NoUncertainty =
        "this version stores no parameter uncertainty (fitted before fit measured it): no standard errors, and cards show no intervals; run fit again to get them";

    internal static ValueModelResponse Of(StoredModel stored, bool inForce)
    {
        var m = stored.Model;
        var u = m.Uncertainty;
        var b = m.BgNbd;
        var g = m.GammaGamma;
        var models = new List<FittedModelEstimates>
        {
            FittedModelEstimates.Of("bgNbd", m.Kind == RepeatPurchaseModelKind.BgNbd, m.BgNbdLogLikelihood,
                ParameterUncertainty.BgNbdNames, [b.R, b.Alpha, b.A, b.B], u?.BgNbd),
        };
        if (m.ParetoNbd is { } p)
        {
            models.Add(FittedModelEstimates.Of("paretoNbd", m.Kind == RepeatPurchaseModelKind.ParetoNbd, m.ParetoNbdLogLikelihood,
                ParameterUncertainty.ParetoNbdNames, [p.R, p.Alpha, p.S, p.Beta], u?.ParetoNbd));
        }
        models.Add(FittedModelEstimates.Of("gammaGamma", true, m.GammaGammaLogLikelihood,
            ParameterUncertainty.GammaGammaNames, [g.P, g.Q, g.Gamma], u?.GammaGamma));
        return new ValueModelResponse($"m{stored.Version}", inForce, stored.CreatedAt, m.Source, m.Customers, m.Kind,
            ValueConfidence.DefaultLevel, models, m.Evidence, u is null ? NoUncertainty : null);
    }

    internal static ValueModelResponse Default(ValueModel model, bool inForce)
    {
        var g = model.GammaGammaParameters;
        return new ValueModelResponse(ScoringModel.DefaultModelVersion, inForce, null,
            "the BG/NBD and Gamma-Gamma parameters published for CDNOW (Fader, Hardie and Lee 2005)", null, RepeatPurchaseModelKind.BgNbd,
            ValueConfidence.DefaultLevel,
            [
                FittedModelEstimates.Of("bgNbd", true, null, ParameterUncertainty.BgNbdNames, ValueConfidence.EstimatesOf(model.PurchaseModel), null),
                FittedModelEstimates.Of("gammaGamma", true, null, ParameterUncertainty.GammaGammaNames, [g.P, g.Q, g.Gamma], null),
            ],
            null,
            "no model has been fitted to this customer base: the engine scores with published parameters, without standard errors or intervals; fit fits and stores one");
    }
}

/// <summary>One fitted model: whether this version scores with it, its calibration log-likelihood, and its parameters.</summary>
public sealed record FittedModelEstimates(string Model, bool Used, double? LogLikelihood, IReadOnlyList<ParameterEstimate> Parameters)
{
    internal static FittedModelEstimates Of(
        string model, bool used, double? logLikelihood, IReadOnlyList<string> names, IReadOnlyList<double> estimates, ParameterUncertainty? uncertainty)
    {
        var errors = uncertainty?.StandardErrors();
        return new(model, used, logLikelihood, [.. names.Select((name, i) =>
        {
            var interval = uncertainty?.Interval(i, ValueConfidence.DefaultLevel);
            return new ParameterEstimate(name, estimates[i], errors?[i], interval?.Low, interval?.High);
        })]);
    }
}

/// <summary>A parameter's estimate, standard error and interval (exp(ln θ ± z·sd(ln θ))); the last three null without stored uncertainty.</summary>
public sealed record ParameterEstimate(string Name, double Estimate, double? StandardError, double? Low, double? High);
