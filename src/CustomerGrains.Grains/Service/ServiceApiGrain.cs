using System.Collections.Immutable;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.ScreenPop;
using CustomerGrains.Grains.Segments;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CustomerGrains.Grains.Service;

/// <summary>
/// The typed client's door (<see cref="IServiceApiGrain"/>): the same intake, reads and audit trail as the HTTP API, on
/// whichever silo the call lands. Callers through the gateway are services: every read is recorded under the name the
/// client gives, in the role <c>service</c>, and contact data is masked as the API masks it for a service.
/// </summary>
[StatelessWorker]
internal sealed class ServiceApiGrain(
    EventIntake intake, PhoneNumberNormalizer phoneNumbers, CustomerSegments segments, CustomerChangeFeed changes, IAuditTrail audit,
    IOptions<ReadOptions> options, TimeProvider time)
    : Grain, IServiceApiGrain, IGrainReader
{
    /// <summary>The role audit entries of typed-client callers are recorded in.</summary>
    public const string Role = "service";

    public async Task<IngestOutcome> IngestAsync(string batchJson)
    {
        ArgumentNullException.ThrowIfNull(batchJson);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(batchJson);
        }
        catch (JsonException ex)
        {
            return IngestOutcome.Invalid("The body is not valid JSON", [new Domain.Events.FieldError(-1, "events", ex.Message)]);
        }
        using (document)
        {
            return await intake.IngestBatchAsync(document.RootElement, CancellationToken.None);
        }
    }

    public async Task<ScreenPopAnswer> ScreenPopAsync(string? ani, string caller)
    {
        var parsed = phoneNumbers.Normalize(ani);
        if (parsed.E164 is not { } e164)
        {
            return new ScreenPopAnswer { Problem = $"ani '{ani}' {parsed.Error}." };
        }
        var cards = await CustomerReads.CompactCardsAsync(this, e164, CancellationToken.None);
        await RecordAsync(caller, cards.Select(c => c.CustomerId), "screenpop", $"typed client, ani {e164}");
        return new ScreenPopAnswer { E164 = e164, Customers = [.. cards.Select(c => c.Masked())] };
    }

    public async Task<CustomerBatchAnswer> ReadBatchAsync(CustomerBatchQuery query, string caller)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = query.Problems(options.Value.MaxBatchIds);
        if (problems.Count > 0)
        {
            return new CustomerBatchAnswer { Problems = [.. problems] };
        }
        var batch = await CustomerReads.ReadBatchAsync(this, query, CancellationToken.None);
        await RecordAsync(caller, batch.Found, query.View, $"typed client, {query.Describe()}");
        return new CustomerBatchAnswer { Batch = batch };
    }

    public async Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf, string caller)
    {
        var snapshot = await GrainFactory.Customer(customerId).GetSnapshotAsync(asOf);
        if (snapshot is not null)
        {
            await RecordAsync(caller, [customerId], "snapshot", asOf is { } at ? $"typed client, as of {at:O}" : "typed client");
        }
        return snapshot;
    }

    public async Task<Domain.Decisions.Decision?> GetDecisionAsync(string customerId, DecisionQuery query, string caller)
    {
        var decision = await GrainFactory.Customer(customerId).GetDecisionAsync(query);
        if (decision is not null)
        {
            await RecordAsync(caller, [customerId], "decision", $"typed client, channel {query.Channel}");
        }
        return decision;
    }

    public async Task<Domain.Decisions.Explanation?> ExplainAsync(string customerId, ExplainQuery query, string caller)
    {
        ArgumentNullException.ThrowIfNull(query);
        var explanation = await GrainFactory.Customer(customerId).ExplainAsync(query);
        if (explanation is not null)
        {
            await RecordAsync(caller, [customerId], "explain", query.AsOf is { } at ? $"typed client, as of {at:O}" : "typed client");
        }
        return explanation;
    }

    public async Task<Domain.Decisions.Timeline?> GetTimelineAsync(string customerId, TimelineQuery query, string caller)
    {
        ArgumentNullException.ThrowIfNull(query);
        var timeline = await GrainFactory.Customer(customerId).GetTimelineAsync(query);
        if (timeline is not null)
        {
            await RecordAsync(caller, [customerId], "timeline", $"typed client, cursor {query.After}, limit {query.Limit}");
        }
        return timeline;
    }

    public async Task<CustomerPageAnswer> ListCustomersAsync(CustomerListQuery query, string caller) =>
        await AuditedAsync(await segments.ListAsync(query, CancellationToken.None), caller, "typed client, customer list");

    public async Task<CustomerPageAnswer> SegmentMembersAsync(string name, string? after, int? limit, string caller) =>
        await AuditedAsync(await segments.MembersAsync(name, after, limit, CancellationToken.None), caller, $"typed client, segment {name}");

    public Task<SavedSegment?> GetSegmentAsync(string name) => segments.GetAsync(name, CancellationToken.None);

    public Task<ImmutableArray<SavedSegment>> ListSegmentsAsync() => segments.ListSegmentsAsync(CancellationToken.None);

    public Task<SegmentSaveAnswer> SaveSegmentAsync(string name, SegmentDefinition definition) => segments.SaveAsync(name, definition, CancellationToken.None);

    public Task<bool> DeleteSegmentAsync(string name) => segments.DeleteAsync(name, CancellationToken.None);

    public async Task<ChangePageAnswer> ReadChangesAsync(long after, int? limit, string caller)
    {
        // No waiting inside the grain: the typed client polls, so a stateless worker activation is never held by an idle feed.
        var answer = await changes.ReadAsync(after, limit, null, CancellationToken.None);
        if (answer.Page is { Changes.Length: > 0 } page)
        {
            await RecordAsync(caller, page.Changes.Select(c => c.CustomerId).Distinct(StringComparer.Ordinal), "changes", $"typed client, after {after}");
        }
        return answer;
    }

    /// <summary>The answer, after recording the customers of its page (if any) as seen by <paramref name="caller"/>.</summary>
    private async Task<CustomerPageAnswer> AuditedAsync(CustomerPageAnswer answer, string caller, string detail)
    {
        if (answer.Page is { Customers.Length: > 0 } page)
        {
            await RecordAsync(caller, page.Customers.Select(c => c.CustomerId), "list", detail);
        }
        return answer;
    }

    // Inside a silo a read is tried once: the typed client tries the whole call again after a transient failure.
    Task<T> IGrainReader.ReadAsync<T>(Func<IGrainFactory, Task<T>> read, CancellationToken cancellationToken) => read(GrainFactory);

    private Task RecordAsync(string caller, IEnumerable<string> customerIds, string path, string detail) =>
        audit.AppendAsync(AuditEntry.Of(time.GetUtcNow(), string.IsNullOrWhiteSpace(caller) ? "typed-client" : caller, Role, customerIds, path, detail),
            CancellationToken.None);
}
