using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// A fitted set of models as stored: parameters, likelihoods, where they came from, and which repeat-purchase model the
/// engine uses (<see cref="Kind"/>; BG/NBD for versions stored before the choice existed) with the evidence for it.
/// </summary>
public sealed record FittedModel(
    BgNbdParameters BgNbd,
    double? BgNbdLogLikelihood,
    GammaGammaParameters GammaGamma,
    double? GammaGammaLogLikelihood,
    int Customers,
    string Source)
{
    /// <summary>The repeat-purchase model the engine scores with.</summary>
    public RepeatPurchaseModelKind Kind { get; init; } = RepeatPurchaseModelKind.BgNbd;

    /// <summary>The Pareto/NBD fit, when one was made (required when <see cref="Kind"/> is ParetoNbd).</summary>
    public ParetoNbdParameters? ParetoNbd { get; init; }

    public double? ParetoNbdLogLikelihood { get; init; }

    /// <summary>Why <see cref="Kind"/> was chosen: the candidates' likelihoods and hold-out errors.</summary>
    public ModelEvidence? Evidence { get; init; }

    /// <summary>The parameters' uncertainty measured at fit time; null for versions stored before it was measured.</summary>
    public FittedUncertainty? Uncertainty { get; init; }

    /// <summary>The repeat-purchase model of <see cref="Kind"/>.</summary>
    public IRepeatPurchaseModel PurchaseModel => Kind == RepeatPurchaseModelKind.ParetoNbd
        ? ParetoNbd ?? throw new InvalidOperationException("The model version chose Pareto/NBD but holds no Pareto/NBD parameters.")
        : BgNbd;

    /// <summary>The value model the engine scores with under <paramref name="options"/>.</summary>
    public ValueModel ValueModel(ValueModelOptions options) => new(PurchaseModel, GammaGamma, options);
}

/// <summary>A stored model version.</summary>
public sealed record StoredModel(long Version, DateTimeOffset CreatedAt, FittedModel Model);

/// <summary>A stored measurement of the population.</summary>
public sealed record StoredPopulation(long Version, long? ModelVersion, DateTimeOffset CreatedAt, PopulationStatistics Statistics);

/// <summary>Versions of the value model and of the population statistics, shared by every silo.</summary>
public interface IValueModelStore
{
    Task<StoredModel?> LatestModelAsync(CancellationToken cancellationToken);

    Task<StoredPopulation?> LatestPopulationAsync(CancellationToken cancellationToken);

    /// <summary>The newest model stored by <paramref name="at"/>: the one in force then (null: none was, the default was).</summary>
    Task<StoredModel?> ModelAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The newest population measured by <paramref name="at"/>: the one in force then (null: none was, uncalibrated).</summary>
    Task<StoredPopulation?> PopulationAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The model version <paramref name="version"/> (null: no such version).</summary>
    Task<StoredModel?> ModelVersionAsync(long version, CancellationToken cancellationToken);

    /// <summary>Stores a new model version and returns it.</summary>
    Task<long> SaveModelAsync(FittedModel model, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Stores a new population version measured under <paramref name="modelVersion"/> and returns it.</summary>
    Task<long> SavePopulationAsync(long? modelVersion, PopulationStatistics statistics, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>One customer as the population computations and the lifecycle sweep see it.</summary>
public sealed record CustomerReadModelRow(
    string CustomerId,
    ValueInputs Inputs,
    string? Stage,
    DateTimeOffset? NextReviewAt,
    IReadOnlyDictionary<string, double>? NeedTraits,
    DateTimeOffset UpdatedAt)
{
    /// <summary>What a list of customers filters and sorts by; null when the models could not assess the customer.</summary>
    public SegmentFigures? Figures { get; init; }
}

/// <summary>The assessment a customer's row carries for segments: tier, net value, P(alive), marketing mode, selection quadrant (wire names).</summary>
public sealed record SegmentFigures(string Tier, double NetValue, double PAlive, string? MarketingMode, string? SelectionQuadrant);

/// <summary>A customer as the population measurement sees it: value inputs and normalised need traits.</summary>
public sealed record PopulationMember(ValueInputs Inputs, IReadOnlyDictionary<string, double>? NeedTraits);

/// <summary>Customers of a list after its cursor, and the count of the whole list at the same moment.</summary>
public sealed record CustomerListSlice(IReadOnlyList<CustomerListing> Rows, int Count);

/// <summary>What is known of every customer without activating their grains.</summary>
public interface ICustomerReadModel
{
    Task UpsertAsync(CustomerReadModelRow row, CancellationToken cancellationToken);

    /// <summary>Removes the customer's row (an erased customer leaves the population, the sweep and <c>fit</c>).</summary>
    Task DeleteAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Every customer, read in pages.</summary>
    IAsyncEnumerable<PopulationMember> ReadPopulationAsync(CancellationToken cancellationToken);

    /// <summary>Customers whose lifecycle should be reviewed by <paramref name="now"/>, oldest due first.</summary>
    Task<IReadOnlyList<string>> DueForReviewAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken);

    /// <summary>The ids of customers after <paramref name="after"/> in key order, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<string>> IdsAfterAsync(string after, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="maxCount"/> customers of a valid, normalised <paramref name="query"/>, in its sort, after its
    /// cursor, with how many the whole list holds, both read from one snapshot so the page and its count agree.
    /// </summary>
    Task<CustomerListSlice> ListAsync(CustomerListQuery query, int maxCount, CancellationToken cancellationToken);

    /// <summary>How many customers the filter of a valid, normalised <paramref name="query"/> holds (with its sort's figure).</summary>
    Task<int> CountAsync(CustomerListQuery query, CancellationToken cancellationToken);
}
