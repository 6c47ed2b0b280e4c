using System.Data.Common;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// One event as stored in the interaction log. <see cref="Position"/> orders the whole log;
/// <see cref="Sequence"/> numbers the customer's own events 1, 2, 3... without gaps, so a grain can
/// tell a missed event from a duplicate. <see cref="AppendedAt"/> is when the log acknowledged it (for the time from
/// acknowledgement to visible).
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.LogRecord")]
public sealed record LogRecord(
    [property: Id(0)] long Position,
    [property: Id(1)] int Partition,
    [property: Id(2)] string CustomerId,
    [property: Id(3)] long Sequence,
    [property: Id(4)] string EventId,
    [property: Id(5)] string Payload,
    [property: Id(6)] DateTimeOffset AppendedAt)
{
    /// <summary>How an erased event's payload starts: a tombstone holds only the moment of the erasure.</summary>
    public const string TombstonePrefix = "{\"erased\":";

    /// <summary>The payload an event is left with when its customer is erased at <paramref name="at"/>.</summary>
    public static string Tombstone(DateTimeOffset at) =>
        TombstonePrefix + "\"" + at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\"}";

    /// <summary>Whether the event was erased: its payload is a tombstone, its content gone.</summary>
    public bool IsErased => Payload.StartsWith(TombstonePrefix, StringComparison.Ordinal);
}

/// <summary>Reads log records from a query whose columns are <see cref="Columns"/>.</summary>
internal static class LogRecordReader
{
    /// <summary>The columns of <c>interaction_log</c> a record is read from, in the order <see cref="ReadAllAsync"/> reads them.</summary>
    public const string Columns = "position, partition, customer_id, customer_seq, event_id, payload, appended_at";

    public static async Task<IReadOnlyList<LogRecord>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var records = new List<LogRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new LogRecord(
                reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return records;
    }
}
