using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.ScreenPop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Maintenance;

/// <summary>
/// How long personal data is kept, per kind (configuration section <c>Privacy:Retention</c>); a kind without a retention is
/// kept until the customer is erased. All are off by default.
/// </summary>
public sealed class RetentionOptions : ISelfValidatingOptions
{
    public const string Section = "Privacy:Retention";

    private static readonly TimeSpan Longest = TimeSpan.FromDays(100 * 365);

    /// <summary>After how long the contact data of profile changes that a later change replaced is shredded in the log.</summary>
    public TimeSpan? Events { get; set; }

    /// <summary>After how long the text of agents' notes is shredded in the log and on the customer's card.</summary>
    public TimeSpan? Notes { get; set; }

    /// <summary>After how long the details of audit entries (which may name the number a call came from) are erased.</summary>
    public TimeSpan? Audit { get; set; }

    /// <summary>How often the lifecycle sweep runs retention when a retention is configured. Default 1 hour.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether any kind has a retention.</summary>
    public bool Any => Events is not null || Notes is not null || Audit is not null;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(Events), Events), (nameof(Notes), Notes), (nameof(Audit), Audit) })
        {
            if (value is { } retention && (retention <= TimeSpan.Zero || retention > Longest))
            {
                yield return $"{name} must be a duration above zero and at most {Longest.Days} days, such as 365.00:00:00 (was {retention})";
            }
        }
        if (Interval < TimeSpan.FromMinutes(1) || Interval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(Interval)} must be between 1 minute and 1 day (was {Interval})";
        }
    }
}

/// <summary>
/// What a retention pass found (a dry run) or shredded (a run) as of <paramref name="At"/>, per kind of data.
/// </summary>
public sealed record RetentionReport(DateTimeOffset At, bool DryRun, IReadOnlyList<RetainedKind> Kinds)
{
    /// <summary>One line per kind, without personal data: for the audit trail and the log.</summary>
    public string Summary => string.Join(", ", Kinds.Select(k => $"{k.Kind}: {k.Items}"));
}

/// <summary>
/// One kind of data (<c>events</c>, <c>notes</c>, <c>audit</c>): its retention (null: kept), the cut-off it gives
/// (<paramref name="Before"/>), how many items older than that still hold personal data (a dry run) or were shredded now (a
/// run), of how many customers (null for the audit trail), and when the oldest of them occurred.
/// </summary>
public sealed record RetainedKind(string Kind, TimeSpan? Retention, DateTimeOffset? Before, int Items, int? Customers, DateTimeOffset? Oldest);

/// <summary>
/// Shreds personal data older than its retention (<see cref="RetentionOptions"/>) the way an erasure does, without touching a
/// figure of the customer: in the log, events are rewritten in place (same position, sequence number, id, type and time) to
/// what <see cref="RetentionShredding"/> leaves of them, only while they still hold what was read (an erasure meanwhile
/// wins); the customer's recent interactions are redescribed and the snapshot written; audit details become
/// <see cref="AuditEntry.ErasedDetail"/>. A dry run reads the same and writes nothing. Idempotent: a second run finds nothing.
/// Run by the lifecycle sweep (<see cref="MaintenanceGrain"/>) and by <c>POST /api/privacy/retention/run</c>.
/// </summary>
public sealed partial class RetentionPass(
    IInteractionLog log,
    IAuditTrail audit,
    IGrainFactory grains,
    StorageBackend storage,
    IServiceProvider services,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionPass> logger)
{
    /// <summary>Customers read per page of candidates.</summary>
    private const int Page = 500;

    public RetentionOptions Options => options.Value;

    /// <summary>What a run now would shred; changes nothing.</summary>
    public Task<RetentionReport> ReportAsync(CancellationToken cancellationToken) => PassAsync(null, cancellationToken);

    /// <summary>Shreds what is older than its retention now and records the run in the audit trail as <paramref name="actor"/> (in <paramref name="role"/>).</summary>
    public Task<RetentionReport> RunAsync(string actor, string role, CancellationToken cancellationToken) =>
        PassAsync((actor, role), cancellationToken);

    private async Task<RetentionReport> PassAsync((string Actor, string Role)? run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var eventsBefore = now - o.Events;
        var notesBefore = now - o.Notes;
        var auditBefore = now - o.Audit;
        var events = new Tally();
        var notes = new Tally();
        var ages = new List<EventAge>();
        if (eventsBefore is { } e)
        {
            ages.Add(new EventAge("profileChanged", e));
        }
        if (notesBefore is { } n)
        {
            ages.Add(new EventAge("note", n));
        }
        var after = "";
        while (ages.Count > 0)
        {
            var ids = await log.CustomersWithEventsBeforeAsync(ages, after, Page, cancellationToken);
            foreach (var id in ids)
            {
                await ShredCustomerAsync(id, eventsBefore, notesBefore, events, notes, write: run is not null, cancellationToken);
            }
            if (ids.Count < Page)
            {
                break;
            }
            after = ids[^1];
        }
        var aged = auditBefore is { } before ? await audit.CountDetailsBeforeAsync(before, cancellationToken) : new AgedDetails(0, null);
        var auditItems = aged.Count > 0 && run is not null && auditBefore is { } cut ? await audit.EraseDetailsBeforeAsync(cut, cancellationToken) : aged.Count;
        var report = new RetentionReport(now, run is null,
        [
            events.Kind("events", o.Events, eventsBefore),
            notes.Kind("notes", o.Notes, notesBefore),
            new RetainedKind("audit", o.Audit, auditBefore, auditItems, null, aged.Oldest),
        ]);
        if (run is { } who)
        {
            if (events.Items + notes.Items + auditItems > 0)
            {
                // Old content is overwritten in the files, and the write-ahead logs that still hold it are emptied (SQLite).
                await storage.DropReplacedContentAsync(services, cancellationToken);
                LogShredded(report.Summary);
            }
            await audit.AppendAsync(AuditEntry.Of(time.GetUtcNow(), who.Actor, who.Role, [""], "retention", report.Summary), cancellationToken);
        }
        return report;
    }

    private async Task ShredCustomerAsync(
        string customerId, DateTimeOffset? eventsBefore, DateTimeOffset? notesBefore, Tally events, Tally notes, bool write, CancellationToken cancellationToken)
    {
        var records = new List<LogRecord>();
        var history = new List<InteractionEvent>();
        foreach (var record in await log.ReadCustomerAsync(customerId, 0, cancellationToken))
        {
            if (!record.IsErased && Read(record) is { } e)
            {
                records.Add(record);
                history.Add(e);
            }
        }
        var shredded = RetentionShredding.Shred(history, eventsBefore, notesBefore);
        if (shredded.Count == 0)
        {
            return;
        }
        var rewrites = new List<LogRewrite>(shredded.Count);
        foreach (var (index, left) in shredded)
        {
            (left is NoteAdded ? notes : events).Add(customerId, history[index].OccurredAt);
            rewrites.Add(new LogRewrite(records[index].Position, records[index].Payload, InteractionJson.Serialize(left)));
        }
        if (write)
        {
            await log.RewriteAsync(rewrites, cancellationToken);
            await grains.Customer(customerId).RedescribeAsync([.. rewrites.Select(r => r.Payload)]);
        }
    }

    private static InteractionEvent? Read(LogRecord record)
    {
        try
        {
            return InteractionJson.Deserialize(record.Payload);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            // The customer grain skips (and logs) such a record too; retention leaves it as it is.
            return null;
        }
    }

    /// <summary>Counts the items of one kind, their customers and the oldest.</summary>
    private sealed class Tally
    {
        private readonly HashSet<string> customers = new(StringComparer.Ordinal);
        private DateTimeOffset? oldest;

        public int Items { get; private set; }

        public void Add(string customerId, DateTimeOffset at)
        {
            Items++;
            customers.Add(customerId);
            oldest = oldest is { } known && known <= at ? known : at;
        }

        public RetainedKind Kind(string name, TimeSpan? retention, DateTimeOffset? before) =>
            new(name, retention, before, Items, customers.Count, oldest);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention shredded personal data older than its retention ({Summary})")]
    private partial void LogShredded(string summary);
}
