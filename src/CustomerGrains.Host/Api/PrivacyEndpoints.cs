using System.Security.Claims;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.ScreenPop;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>
/// A customer's data rights: <c>GET /api/customers/{id}/export</c> answers everything the engine holds about the customer
/// in one document (GDPR articles 15 and 20); <c>POST /api/customers/{id}/erase</c> erases the customer's personal data
/// from every store the engine controls (article 17); <c>GET /api/privacy/retention</c> reports what retention would shred now
/// and <c>POST /api/privacy/retention/run</c> shreds it (storage limitation, article 5(1)(e)).
/// </summary>
internal static class PrivacyEndpoints
{
    /// <summary>The audit trail is read in pages of this many entries for an export.</summary>
    private const int AuditPage = 1000;

    public static RouteGroupBuilder MapPrivacyEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers/{id}/export", ExportAsync)
            .RequireAuthorization(Access.CustomerDataRights)
            .WithName("ExportCustomer")
            .WithSummary("Everything held about the customer in one document: profile, every logged event, state, decision, stage history, notes, audit")
            .WithDescription("Contact data is whole. Events erased by POST /api/customers/{id}/erase are listed as tombstones " +
                             "(erased: true, no content). The export is recorded in the audit trail before it is answered.")
            .Produces<CustomerExport>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/customers/{id}/erase", EraseAsync)
            .RequireAuthorization(Access.CustomerDataRights)
            .WithName("EraseCustomer")
            .WithSummary("Erases the customer's personal data: logged events become tombstones, the snapshot, read model row and phone book entries go, audit details are erased")
            .WithDescription("Idempotent: erasing again answers 200 with nothing more erased. The log keeps each event's position, sequence " +
                             "number, id, type and times (so ordering and exactly-once delivery hold and a resent event stays a duplicate). " +
                             "Events of the id appended afterwards start a new, empty customer. The erasure is audited without personal data. " +
                             "An id without any event is 404.")
            .Produces<ErasureResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/privacy/retention", RetentionReportAsync)
            .RequireAuthorization(Access.ManageRetention)
            .WithName("RetentionReport")
            .WithSummary("A dry run of retention: per kind of data (events, notes, audit) its retention, the cut-off, and how many items of how many customers older than that still hold personal data, the oldest first seen; changes nothing")
            .WithDescription("Retentions are configured under Privacy:Retention (Events, Notes, Audit; off when not set). The lifecycle sweep runs " +
                             "retention at most once per Privacy:Retention:Interval. The report is audited (path retention-report) with counts only.")
            .Produces<RetentionReport>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/privacy/retention/run", RunRetentionAsync)
            .RequireAuthorization(Access.ManageRetention)
            .WithName("RunRetention")
            .WithSummary("Runs retention now: shreds the personal data older than its retention and answers what it shredded per kind")
            .WithDescription("Notes keep id, time and agent, their text becomes [erased]; profile changes lose the contact data a later change " +
                             "replaced; audit details become [erased]. Figures (amounts, orders, times, consents) stay, so no customer's state " +
                             "changes. Idempotent: a second run shreds nothing. The run is audited (path retention) with counts only.")
            .Produces<RetentionReport>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> RetentionReportAsync(RetentionPass retention, Auditing auditing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var report = await retention.ReportAsync(cancellationToken);
        var (actor, role) = user.Caller();
        await auditing.RecordEventAsync(actor, role, "retention-report", report.Summary, cancellationToken);
        return Results.Ok(report);
    }

    private static async Task<IResult> RunRetentionAsync(RetentionPass retention, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (actor, role) = user.Caller();
        return Results.Ok(await retention.RunAsync(actor, role, cancellationToken));
    }

    private static async Task<IResult> EraseAsync(
        string id, IGrainFactory grains, IAuditTrail audit, Auditing auditing, StorageBackend storage, HttpContext context, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var erasure = await grains.Customer(id).EraseAsync();
        if (erasure.LastSequence == 0)
        {
            return Problems.UnknownCustomer(id);
        }
        var details = await audit.EraseDetailsAsync(id, cancellationToken);
        await auditing.RecordAsync(user, [id], "erase",
            $"{erasure.ErasedEvents} events, {erasure.UnlinkedPhones} phone numbers, {details} audit details erased", cancellationToken);
        await storage.DropReplacedContentAsync(context.RequestServices, cancellationToken);
        return Results.Ok(new ErasureResponse(id, erasure.ErasedAt, erasure.LastSequence, erasure.ErasedEvents, erasure.UnlinkedPhones, details));
    }

    private static async Task<IResult> ExportAsync(
        string id, GrainReads reads, IInteractionLog log, IAuditTrail audit, Auditing auditing, TimeProvider time, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var records = await log.ReadCustomerAsync(id, 0, cancellationToken);
        if (records.Count == 0)
        {
            return Problems.UnknownCustomer(id);
        }
        var snapshot = await reads.ReadAsync(grains => grains.Customer(id).GetSnapshotAsync(), cancellationToken);
        var decision = snapshot is null ? null
            : await reads.ReadAsync(grains => grains.Customer(id).GetDecisionAsync(new DecisionQuery { Channel = "phone" }), cancellationToken);
        var events = records.Select(ExportedEvent.Of).ToList();
        var notes = records.Where(r => !r.IsErased).Select(ReadNote).OfType<ExportedNote>().ToList();
        var entries = await ReadAuditAsync(audit, id, cancellationToken);
        await auditing.RecordAsync(user, [id], "export", $"{events.Count} events, {entries.Count} audit entries", cancellationToken);
        return Results.Ok(new CustomerExport(id, time.GetUtcNow(), snapshot?.Profile, snapshot?.StageHistory ?? [], snapshot, decision,
            events, notes, entries));
    }

    private static ExportedNote? ReadNote(LogRecord record)
    {
        try
        {
            return InteractionJson.Deserialize(record.Payload) is NoteAdded note
                ? new ExportedNote(note.EventId, note.OccurredAt, note.AgentId, note.Text)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(IAuditTrail audit, string id, CancellationToken cancellationToken)
    {
        var all = new List<AuditEntry>();
        long? before = null;
        while (true)
        {
            var page = await audit.ReadAsync(id, before, AuditPage, cancellationToken);
            all.AddRange(page);
            if (page.Count < AuditPage)
            {
                return all;
            }
            before = page[^1].Id;
        }
    }
}

/// <summary>
/// Everything held about one customer as of <see cref="ExportedAt"/>: the profile (contact data, consents, preferences), the
/// recorded stage transitions, the current state, the decision for a phone contact now (with the rules and figures it
/// rests on), every event of the log in the customer's sequence, the agents' notes, and the audit entries about them.
/// </summary>
public sealed record CustomerExport(
    string CustomerId,
    DateTimeOffset ExportedAt,
    ProfileInfo? Profile,
    IReadOnlyList<StageTransition> StageHistory,
    CustomerSnapshot? Snapshot,
    Decision? Decision,
    IReadOnlyList<ExportedEvent> Events,
    IReadOnlyList<ExportedNote> Notes,
    IReadOnlyList<AuditEntry> Audit);

/// <summary>One event of the log as stored: its log position and the customer's sequence number, and the event itself (null once erased).</summary>
public sealed record ExportedEvent(long Position, long Sequence, string EventId, bool Erased, JsonElement? Event)
{
    public static ExportedEvent Of(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.IsErased)
        {
            return new ExportedEvent(record.Position, record.Sequence, record.EventId, true, null);
        }
        using var document = JsonDocument.Parse(record.Payload);
        return new ExportedEvent(record.Position, record.Sequence, record.EventId, false, document.RootElement.Clone());
    }
}

/// <summary>
/// What an erasure did now: the customer's events up to <paramref name="LastSequence"/> are tombstones; <paramref name="ErasedEvents"/>
/// of them, <paramref name="UnlinkedPhones"/> phone numbers and <paramref name="ErasedAuditDetails"/> audit details were erased by this
/// call (all 0 when the customer was erased before).
/// </summary>
public sealed record ErasureResponse(string CustomerId, DateTimeOffset ErasedAt, long LastSequence, int ErasedEvents, int UnlinkedPhones, int ErasedAuditDetails);

/// <summary>A note an agent wrote about the customer.</summary>
public sealed record ExportedNote(string EventId, DateTimeOffset At, string? AgentId, string Text);
