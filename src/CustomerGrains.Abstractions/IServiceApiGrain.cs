using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using Orleans.Concurrency;

namespace CustomerGrains.Abstractions;

/// <summary>
/// The typed client's door to what needs a silo's configuration, storage or audit trail: ingest (validated with the
/// silo's limits, appended to the interaction log), the screen-pop of a phone number (read in the silo's default
/// region), single and batch reads, each read recorded in the audit trail under the calling service's name. A stateless worker:
/// the call is served on the silo the client's gateway connection reaches, which fans out from there.
/// </summary>
[Alias("CustomerGrains.IServiceApiGrain")]
public interface IServiceApiGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Validates the batch <paramref name="batchJson"/> (<c>{"events":[...]}</c>, the body of <c>POST /api/interactions</c>)
    /// whole, with the same reader, validator and limits as the HTTP API, and appends it to the interaction log.
    /// </summary>
    [Alias("Ingest")]
    Task<IngestOutcome> IngestAsync(string batchJson);

    /// <summary>
    /// The compact cards of every customer the phone number <paramref name="ani"/> (any common format) belongs to, most
    /// valuable first, contact data masked as for every caller of the API but supervisors; audited for <paramref name="caller"/>.
    /// </summary>
    [ReadOnly]
    [Alias("ScreenPop")]
    Task<ScreenPopAnswer> ScreenPopAsync(string? ani, string caller);

    /// <summary>Reads many customers at once; audited for <paramref name="caller"/>. An invalid query is answered with its problems.</summary>
    [ReadOnly]
    [Alias("ReadBatch")]
    Task<CustomerBatchAnswer> ReadBatchAsync(CustomerBatchQuery query, string caller);

    /// <summary>One customer's snapshot (contact data whole, as <c>GET /api/customers/{id}</c> gives a service), or null; audited for <paramref name="caller"/>.</summary>
    [ReadOnly]
    [Alias("GetCustomer")]
    Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf, string caller);

    /// <summary>One customer's decision for a contact, or null; audited for <paramref name="caller"/>.</summary>
    [ReadOnly]
    [Alias("GetDecision")]
    Task<Domain.Decisions.Decision?> GetDecisionAsync(string customerId, DecisionQuery query, string caller);

    /// <summary>
    /// One customer's explanation (as <c>GET /api/customers/{id}/explain</c>), or null; audited for <paramref name="caller"/>.
    /// Throws as <see cref="ICustomerGrain.ExplainAsync"/> does for an unknown channel or a future moment.
    /// </summary>
    [ReadOnly]
    [Alias("Explain")]
    Task<Domain.Decisions.Explanation?> ExplainAsync(string customerId, ExplainQuery query, string caller);

    /// <summary>
    /// A page of one customer's timeline (as <c>GET /api/customers/{id}/timeline</c>), or null; audited for <paramref name="caller"/>.
    /// Throws as <see cref="ICustomerGrain.GetTimelineAsync"/> does for bad paging.
    /// </summary>
    [ReadOnly]
    [Alias("GetTimeline")]
    Task<Domain.Decisions.Timeline?> GetTimelineAsync(string customerId, TimelineQuery query, string caller);

    /// <summary>A page of the customers of <paramref name="query"/> with their count (as <c>GET /api/customers</c>), or its problems; audited for <paramref name="caller"/>.</summary>
    [ReadOnly]
    [Alias("ListCustomers")]
    Task<CustomerPageAnswer> ListCustomersAsync(CustomerListQuery query, string caller);

    /// <summary>A page of the members of the saved segment <paramref name="name"/> with their count, its paging's problems, or that it is unknown; audited for <paramref name="caller"/>.</summary>
    [ReadOnly]
    [Alias("SegmentMembers")]
    Task<CustomerPageAnswer> SegmentMembersAsync(string name, string? after, int? limit, string caller);

    /// <summary>The saved segment <paramref name="name"/> with its count now, or null.</summary>
    [ReadOnly]
    [Alias("GetSegment")]
    Task<SavedSegment?> GetSegmentAsync(string name);

    /// <summary>Every saved segment by name, each with its count now.</summary>
    [ReadOnly]
    [Alias("ListSegments")]
    Task<ImmutableArray<SavedSegment>> ListSegmentsAsync();

    /// <summary>Saves the segment <paramref name="name"/> (created or replaced), or answers every problem of the definition and saves nothing.</summary>
    [Alias("SaveSegment")]
    Task<SegmentSaveAnswer> SaveSegmentAsync(string name, SegmentDefinition definition);

    /// <summary>Deletes the segment <paramref name="name"/>; false when none was saved under it.</summary>
    [Alias("DeleteSegment")]
    Task<bool> DeleteSegmentAsync(string name);

    /// <summary>
    /// The changes of the change feed after position <paramref name="after"/> (at most <paramref name="limit"/>, oldest
    /// first), as <c>GET /api/changes</c> answers them without waiting, or the problems of the request; audited for <paramref name="caller"/>.
    /// </summary>
    [ReadOnly]
    [Alias("ReadChanges")]
    Task<ChangePageAnswer> ReadChangesAsync(long after, int? limit, string caller);
}

/// <summary>What an ingest did: the events now in the log, those that were there already, or why nothing was accepted.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.IngestOutcome")]
public sealed record IngestOutcome
{
    /// <summary>Whether the batch was appended, refused as invalid, or could not be appended now.</summary>
    [Id(0)] public required IngestStatus Status { get; init; }

    /// <summary>The ids of the events appended by this call.</summary>
    [Id(1)] public ImmutableArray<string> Accepted { get; init; } = [];

    /// <summary>The ids of the events the log held already (not applied again).</summary>
    [Id(2)] public ImmutableArray<string> Duplicates { get; init; } = [];

    /// <summary>Every problem of an invalid batch, by event index (-1: the batch itself) and field, as the HTTP API's 400 lists them.</summary>
    [Id(3)] public ImmutableArray<FieldError> Errors { get; init; } = [];

    /// <summary>What went wrong, in one line (the title of the HTTP API's problem); null when accepted.</summary>
    [Id(4)] public string? Problem { get; init; }

    /// <summary>The internal cause of an unavailable log (a host, a driver's message): for operators, not for end users.</summary>
    [Id(5)] public string? Diagnostic { get; init; }

    /// <summary>When a batch refused because delivery is behind may be tried again, in seconds.</summary>
    [Id(6)] public int? RetryAfterSeconds { get; init; }

    /// <summary>An outcome of the accepted events and the duplicates.</summary>
    public static IngestOutcome Appended(IEnumerable<string> accepted, IEnumerable<string> duplicates) =>
        new() { Status = IngestStatus.Accepted, Accepted = [.. accepted], Duplicates = [.. duplicates] };

    /// <summary>An outcome of a refused batch.</summary>
    public static IngestOutcome Invalid(string problem, IEnumerable<FieldError> errors) =>
        new() { Status = IngestStatus.Invalid, Problem = problem, Errors = [.. errors] };
}

/// <summary>The status of an <see cref="IngestOutcome"/>.</summary>
[GenerateSerializer, Alias("CustomerGrains.IngestStatus")]
public enum IngestStatus
{
    /// <summary>The batch is in the log (events new to it under <c>Accepted</c>, the others under <c>Duplicates</c>).</summary>
    Accepted,

    /// <summary>The batch was refused whole; nothing of it was appended.</summary>
    Invalid,

    /// <summary>The log's storage did not answer; nothing was appended. Trying again later is safe.</summary>
    Unavailable,

    /// <summary>
    /// The engine is further behind than it allows (back-pressure): delivery to the customers, or the log's writer behind
    /// its appends; nothing was appended. Try again after <see cref="IngestOutcome.RetryAfterSeconds"/>.
    /// </summary>
    Behind,
}

/// <summary>A screen-pop through the typed client: the number in E.164 and the cards, or why the number was refused.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.ScreenPopAnswer")]
public sealed record ScreenPopAnswer
{
    /// <summary>The number in E.164; null when it is not a phone number.</summary>
    [Id(0)] public string? E164 { get; init; }

    /// <summary>The customers the number belongs to, most valuable first; empty for an unknown number.</summary>
    [Id(1)] public ImmutableArray<ScreenPopCard> Customers { get; init; } = [];

    /// <summary>Why the number was refused (as the HTTP API's 400 says it); null when it was read.</summary>
    [Id(2)] public string? Problem { get; init; }
}

/// <summary>A batch read through the typed client: the batch, or every problem of the query.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerBatchAnswer")]
public sealed record CustomerBatchAnswer
{
    /// <summary>The customers read; null when the query was refused.</summary>
    [Id(0)] public CustomerBatch? Batch { get; init; }

    /// <summary>Every problem of a refused query, each as <c>field: message</c>.</summary>
    [Id(1)] public ImmutableArray<string> Problems { get; init; } = [];
}
