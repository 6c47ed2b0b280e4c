using System.Data.Common;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Segments;
using CustomerGrains.Grains.Value;

namespace CustomerGrains.Grains.Changes;

/// <summary>What a customer's read-model row says that the change feed publishes changes of.</summary>
internal sealed record RowAssessment(string? Tier, string? Stage, double? NetValue, double? PAlive, string? MarketingMode, string? SelectionQuadrant)
{
    public static RowAssessment Of(CustomerReadModelRow row) => new(
        row.Figures?.Tier, row.Stage, row.Figures?.NetValue, row.Figures?.PAlive, row.Figures?.MarketingMode, row.Figures?.SelectionQuadrant);

    /// <summary>Whether the saved segment holds a customer of this assessment: as its member list filters (the filter, and the sort's figure present).</summary>
    public bool IsIn(SegmentDefinition segment)
    {
        var f = segment.Filter;
        return Same(f.Tier, Tier) && Same(f.Stage, Stage) && Same(f.MarketingMode, MarketingMode) && Same(f.SelectionQuadrant, SelectionQuadrant)
            && AtLeast(NetValue, f.MinNetValue) && AtMost(NetValue, f.MaxNetValue) && AtLeast(PAlive, f.MinPAlive) && AtMost(PAlive, f.MaxPAlive)
            && (segment.Sort?.TrimStart('-') switch { "netValue" => NetValue is not null, "pAlive" => PAlive is not null, _ => true });
    }

    private static bool Same(string? wanted, string? value) => wanted is null || string.Equals(wanted, value, StringComparison.Ordinal);

    private static bool AtLeast(double? value, double? least) => least is null || value >= least;

    private static bool AtMost(double? value, double? greatest) => greatest is null || value <= greatest;
}

/// <summary>A change found between two rows of a customer, not yet given its position.</summary>
internal sealed record PendingChange(string Kind, string? From, string? To);

/// <summary>
/// The change feed's statements and the difference between a customer's stored row and the row replacing it, one for
/// SQLite and PostgreSQL (deploy/sql/sqlite/log-009, postgres/log-007). Both stores write the changes in the transaction
/// that writes the row, so a row is never written without its changes nor a change published without its row; a row
/// written again with the same assessment (a grain re-applying its events after a crash) differs in nothing.
/// </summary>
internal static class ReadModelChanges
{
    /// <summary>The stored assessment of <c>@id</c> (no row: a customer new to the feed).</summary>
    public const string SelectRow = """
        SELECT tier, stage, net_value, p_alive, marketing_mode, selection_quadrant FROM customer_read_model WHERE customer_id = @id
        """;

    public const string Insert = """
        INSERT INTO customer_changes (customer_id, kind, from_value, to_value, at, detail) VALUES (@c, @k, @f, @t, @at, @d)
        """;

    /// <summary>The changes after <c>@after</c>, oldest first, at most <c>@limit</c>.</summary>
    public const string Page = """
        SELECT position, customer_id, kind, from_value, to_value, at, detail FROM customer_changes
        WHERE position > @after ORDER BY position LIMIT @limit
        """;

    /// <summary>The position of the newest change, 0 when there is none.</summary>
    public const string LastPosition = "SELECT coalesce(max(position), 0) FROM customer_changes";

    /// <summary>The stored assessment the reader of <see cref="SelectRow"/> is on, or null when there is no row.</summary>
    public static async Task<RowAssessment?> ReadRowAsync(DbDataReader r, CancellationToken cancellationToken) =>
        await r.ReadAsync(cancellationToken)
            ? new RowAssessment(Text(r, 0), Text(r, 1), r.IsDBNull(2) ? null : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetDouble(3), Text(r, 4), Text(r, 5))
            : null;

    /// <summary>What changed from <paramref name="before"/> (null: no row yet) to <paramref name="after"/>, segment by saved segment.</summary>
    public static List<PendingChange> Between(RowAssessment? before, RowAssessment after, IReadOnlyList<StoredSegment> segments)
    {
        var changes = new List<PendingChange>();
        void Compare(string kind, string? from, string? to)
        {
            if (!string.Equals(from, to, StringComparison.Ordinal))
            {
                changes.Add(new PendingChange(kind, from, to));
            }
        }
        Compare(CustomerChangeKinds.Tier, before?.Tier, after.Tier);
        Compare(CustomerChangeKinds.Stage, before?.Stage, after.Stage);
        Compare(CustomerChangeKinds.MarketingMode, before?.MarketingMode, after.MarketingMode);
        Compare(CustomerChangeKinds.SelectionQuadrant, before?.SelectionQuadrant, after.SelectionQuadrant);
        foreach (var segment in segments)
        {
            var was = before?.IsIn(segment.Definition) ?? false;
            var now = after.IsIn(segment.Definition);
            if (was != now)
            {
                changes.Add(now
                    ? new PendingChange(CustomerChangeKinds.SegmentEntered, null, segment.Name)
                    : new PendingChange(CustomerChangeKinds.SegmentLeft, segment.Name, null));
            }
        }
        return changes;
    }

    /// <summary>The rows of <see cref="Page"/>, with <paramref name="time"/> reading the time column as the store keeps it.</summary>
    public static async Task<IReadOnlyList<CustomerChange>> ReadPageAsync(
        DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time, CancellationToken cancellationToken)
    {
        var changes = new List<CustomerChange>();
        while (await r.ReadAsync(cancellationToken))
        {
            changes.Add(new CustomerChange
            {
                Position = r.GetInt64(0),
                CustomerId = r.GetString(1),
                Kind = r.GetString(2),
                From = Text(r, 3),
                To = Text(r, 4),
                At = time(r, 5),
                Detail = Text(r, 6),
            });
        }
        return changes;
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
