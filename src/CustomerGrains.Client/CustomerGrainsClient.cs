using System.Collections.Immutable;
using System.Reflection;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using Polly;
using Polly.Retry;

namespace CustomerGrains.Client;

/// <summary>
/// What a backend service asks the engine through the silos' gateways: it ingests events, pops the customers of a phone
/// number, reads a customer's snapshot or decision, or many at once, lists customers by filter and keeps saved segments. Every call is tried again after transient failures
/// (<see cref="CustomerGrainsClientOptions.Attempts"/>, with jittered exponential pauses).
/// </summary>
public partial interface ICustomerGrainsClient
{
    /// <summary>The customer as of now (or <paramref name="asOf"/>), or null when no event of theirs has been applied.</summary>
    Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default);

    /// <summary>The tiered service decision for a contact on <paramref name="channel"/> (e.g. <c>phone</c>), or null for an unknown customer.</summary>
    Task<Decision?> GetDecisionAsync(string customerId, string channel, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a batch of events to the engine's interaction log, validated whole by the engine with the same rules, limits
    /// and error messages as <c>POST /api/interactions</c>. The outcome lists the accepted and duplicate event ids, or
    /// (<see cref="IngestStatus.Invalid"/>) every problem by event index and field, and then nothing was appended. Throws
    /// <see cref="CustomerGrainsUnavailableException"/> when the log's storage did not answer within the retries.
    /// </summary>
    Task<IngestOutcome> IngestAsync(IEnumerable<InteractionEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// The compact cards of every customer the phone number <paramref name="phoneNumber"/> (any common format) belongs to,
    /// most valuable first, contact data masked; empty for an unknown number. Throws <see cref="ArgumentException"/> for a
    /// string that is not a phone number.
    /// </summary>
    Task<ImmutableArray<ScreenPopCard>> ScreenPopAsync(string phoneNumber, CancellationToken cancellationToken = default);

    /// <summary>
    /// Many customers' snapshots or decisions at once (see <see cref="CustomerBatchQuery"/>); unknown ids are listed, not
    /// failing the batch. Throws <see cref="ArgumentException"/> naming every problem of an invalid query.
    /// </summary>
    Task<CustomerBatch> ReadBatchAsync(CustomerBatchQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the customers a filter holds, sorted and paged as <see cref="CustomerListQuery"/> says, with their count
    /// (as <c>GET /api/customers</c>). Throws <see cref="ArgumentException"/> naming every problem of an invalid query.
    /// </summary>
    Task<CustomerPage> ListCustomersAsync(CustomerListQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the segment <paramref name="name"/> (created or replaced) and answers it with its count now. Throws
    /// <see cref="ArgumentException"/> naming every problem of an invalid name or definition; then nothing is saved.
    /// </summary>
    Task<SavedSegment> SaveSegmentAsync(string name, SegmentDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>The saved segment <paramref name="name"/> with its count now, or null when none is saved under it.</summary>
    Task<SavedSegment?> GetSegmentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every saved segment by name, each with its count now.</summary>
    Task<ImmutableArray<SavedSegment>> ListSegmentsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the segment's members in its sort, with their count; <paramref name="after"/> is the
    /// <see cref="CustomerPage.Next"/> of the previous page. Null when no segment is saved under <paramref name="name"/>;
    /// throws <see cref="ArgumentException"/> for a bad cursor or limit.
    /// </summary>
    Task<CustomerPage?> GetSegmentMembersAsync(string name, string? after = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the segment <paramref name="name"/>; false when none was saved under it.</summary>
    Task<bool> DeleteSegmentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>An empty grain call: the floor of a call through this client (for load tests and health probes).</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>The engine could not do what was asked within the retries (its interaction log's storage did not answer); nothing was appended.</summary>
public sealed class CustomerGrainsUnavailableException : Exception
{
    /// <summary>An exception without a message of its own.</summary>
    public CustomerGrainsUnavailableException() { }

    /// <summary>An exception saying what could not be done.</summary>
    public CustomerGrainsUnavailableException(string message) : base(message) { }

    /// <summary>An exception saying what could not be done, and why.</summary>
    public CustomerGrainsUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}

internal sealed partial class CustomerGrainsClient(IClusterClient cluster, CustomerGrainsClientOptions options) : ICustomerGrainsClient
{
    private readonly ResiliencePipeline retries = RetryPipeline(options);
    private readonly string serviceName = string.IsNullOrWhiteSpace(options.ServiceName)
        ? Assembly.GetEntryAssembly()?.GetName().Name ?? "typed-client"
        : options.ServiceName;

    /// <summary>
    /// Retries after the failures that pass (<see cref="TransientCalls.IsTransient"/>) and after an ingest the log could not
    /// take yet, with exponential pauses and jitter.
    /// </summary>
    internal static ResiliencePipeline RetryPipeline(CustomerGrainsClientOptions options)
    {
        if (options.Attempts <= 1)
        {
            return ResiliencePipeline.Empty;
        }
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.Attempts - 1,
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder()
                .Handle<Exception>(TransientCalls.IsTransient)
                .HandleResult(result => result is IngestOutcome { Status: IngestStatus.Unavailable or IngestStatus.Behind }),
        }).Build();
    }

    private Task<T> CallAsync<T>(Func<IGrainFactory, Task<T>> call, CancellationToken cancellationToken) =>
        retries.ExecuteAsync(async token => await call(cluster).WaitAsync(token), cancellationToken).AsTask();

    private IServiceApiGrain ServiceApi(IGrainFactory grains) => grains.Reference<IServiceApiGrain>(0);

    public Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return CallAsync(grains => ServiceApi(grains).GetCustomerAsync(customerId, asOf, serviceName), cancellationToken);
    }

    public Task<Decision?> GetDecisionAsync(string customerId, string channel, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var query = new DecisionQuery { Channel = channel, Reason = reason };
        return CallAsync(grains => ServiceApi(grains).GetDecisionAsync(customerId, query, serviceName), cancellationToken);
    }

    public async Task<IngestOutcome> IngestAsync(IEnumerable<InteractionEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        // The events cross in their canonical JSON form, so the silo reads them with the HTTP API's own reader and validator.
        var batch = "{\"events\":[" + string.Join(',', events.Select(e => InteractionJson.Serialize(e ?? throw new ArgumentException("An event is null.", nameof(events))))) + "]}";
        var outcome = await CallAsync(grains => ServiceApi(grains).IngestAsync(batch), cancellationToken);
        return outcome.Status is IngestStatus.Unavailable or IngestStatus.Behind
            ? throw new CustomerGrainsUnavailableException($"{outcome.Problem} (after {options.Attempts} attempts; nothing was appended)")
            : outcome;
    }

    public async Task<ImmutableArray<ScreenPopCard>> ScreenPopAsync(string phoneNumber, CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync(grains => ServiceApi(grains).ScreenPopAsync(phoneNumber, serviceName), cancellationToken);
        return answer.Problem is { } problem ? throw new ArgumentException(problem, nameof(phoneNumber)) : answer.Customers;
    }

    public async Task<CustomerBatch> ReadBatchAsync(CustomerBatchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var answer = await CallAsync(grains => ServiceApi(grains).ReadBatchAsync(query, serviceName), cancellationToken);
        return answer.Batch ?? throw Refused("The batch read", answer.Problems, nameof(query));
    }

    public async Task<CustomerPage> ListCustomersAsync(CustomerListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var answer = await CallAsync(grains => ServiceApi(grains).ListCustomersAsync(query, serviceName), cancellationToken);
        return answer.Page ?? throw Refused("The list", answer.Problems, nameof(query));
    }

    public async Task<SavedSegment> SaveSegmentAsync(string name, SegmentDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var answer = await CallAsync(grains => ServiceApi(grains).SaveSegmentAsync(name, definition), cancellationToken);
        return answer.Segment ?? throw Refused("The segment", answer.Problems, nameof(definition));
    }

    public Task<SavedSegment?> GetSegmentAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(grains => ServiceApi(grains).GetSegmentAsync(name), cancellationToken);

    public Task<ImmutableArray<SavedSegment>> ListSegmentsAsync(CancellationToken cancellationToken = default) =>
        CallAsync(grains => ServiceApi(grains).ListSegmentsAsync(), cancellationToken);

    public async Task<CustomerPage?> GetSegmentMembersAsync(string name, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync(grains => ServiceApi(grains).SegmentMembersAsync(name, after, limit, serviceName), cancellationToken);
        return answer.UnknownSegment ? null : answer.Page ?? throw Refused("The page", answer.Problems, nameof(after));
    }

    public Task<bool> DeleteSegmentAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(grains => ServiceApi(grains).DeleteSegmentAsync(name), cancellationToken);

    private static ArgumentException Refused(string what, ImmutableArray<string> problems, string parameter) =>
        new($"{what} is invalid: {string.Join("; ", problems)}", parameter);

    public Task PingAsync(CancellationToken cancellationToken = default) =>
        cluster.GetGrain<IPingGrain>(0).PingAsync().WaitAsync(cancellationToken);
}
