using CustomerGrains.Domain.Events;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// The durable interaction log: the source of truth every customer's state is computed from.
/// An append is acknowledged only after it is durably committed.
/// </summary>
public interface IInteractionLog
{
    /// <summary>
    /// Appends the events in one durable write. Events whose id is already in the log are not appended
    /// again and are reported as duplicates. Throws <see cref="LogUnavailableException"/> when the
    /// storage cannot be reached; then nothing of this call was appended.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// How long the oldest append of this process that is not yet durable has been waiting for its write: zero when the
    /// log keeps up, growing when appends come faster than it can commit them.
    /// </summary>
    TimeSpan AppendWait { get; }

    /// <summary>
    /// False only when the partition certainly has no record after <paramref name="position"/>; lets an
    /// idle poll skip the storage round trip. A log that cannot tell returns true.
    /// </summary>
    bool MayHaveRecordsAfter(int partition, long position);

    /// <summary>Records of one partition after <paramref name="afterPosition"/>, in log order.</summary>
    Task<IReadOnlyList<LogRecord>> ReadPartitionAsync(int partition, long afterPosition, int maxCount, CancellationToken cancellationToken);

    /// <summary>Records of one customer after the customer's sequence number <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<LogRecord>> ReadCustomerAsync(string customerId, long afterSequence, CancellationToken cancellationToken);

    /// <summary>The position up to which a partition's records have been delivered (0 when none).</summary>
    Task<long> ReadCheckpointAsync(int partition, CancellationToken cancellationToken);

    /// <summary>Records that every record of the partition up to <paramref name="position"/> has been delivered.</summary>
    Task WriteCheckpointAsync(int partition, long position, CancellationToken cancellationToken);

    /// <summary>How far delivery of a partition is behind its appends, as of its last delivery checkpoint.</summary>
    Task<PartitionBacklog> ReadBacklogAsync(int partition, CancellationToken cancellationToken);

    /// <summary>
    /// Erases a customer's events: every record of <paramref name="customerId"/> keeps its position, partition, sequence
    /// number, event id, type and times, and its payload (the event's content) is replaced by a tombstone
    /// (<see cref="LogRecord.Tombstone"/>) in one transaction. Appends of the customer wait for it, so an event is either
    /// erased or numbered after <see cref="LogErasure.LastSequence"/>. Idempotent: tombstones are not rewritten.
    /// </summary>
    Task<LogErasure> EraseCustomerAsync(string customerId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// For retention: the customers with an event of one of the <paramref name="ages"/> (a type that occurred before its
    /// cut-off), in id order after <paramref name="afterCustomerId"/>, at most <paramref name="maxCount"/>.
    /// </summary>
    Task<IReadOnlyList<string>> CustomersWithEventsBeforeAsync(
        IReadOnlyList<EventAge> ages, string afterCustomerId, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// For retention: replaces the payload of each record, in one transaction, but only while the record still holds the
    /// payload it was read with (a record erased or rewritten meanwhile keeps what it has). Positions, sequence numbers, ids,
    /// types and times do not change. Returns how many records were rewritten.
    /// </summary>
    Task<int> RewriteAsync(IReadOnlyList<LogRewrite> rewrites, CancellationToken cancellationToken);

    /// <summary>Whether the storage answers now (for readiness).</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);
}

/// <summary>What an append did: the accepted events with their log positions, and the duplicates skipped.</summary>
public sealed record AppendResult(IReadOnlyList<AcceptedEvent> Accepted, IReadOnlyList<string> Duplicates);

/// <summary>
/// A partition's delivery: its last position (<paramref name="Head"/>), the position its delivery checkpoint reached
/// (<paramref name="Delivered"/>), how many records lie between (<paramref name="Behind"/>), and when the oldest of those
/// was appended (null when none is behind).
/// </summary>
public sealed record PartitionBacklog(int Partition, long Head, long Delivered, long Behind, DateTimeOffset? OldestBehindAppendedAt);

/// <summary>What an erasure did: the customer's last sequence number in the log (0: no event ever) and how many events it erased now.</summary>
public sealed record LogErasure(long LastSequence, int ErasedEvents);

/// <summary>Events of the type <paramref name="EventType"/> (its wire name) that occurred before <paramref name="Before"/>.</summary>
public sealed record EventAge(string EventType, DateTimeOffset Before)
{
    /// <summary>
    /// The event types retention may age out: the log's retention index holds only these (a partial index, named in the
    /// schema scripts with the same literals), so that purchases, calls and the other types, which are most of the log,
    /// do not each write a random page of it when they are appended.
    /// </summary>
    public static readonly IReadOnlyList<string> IndexedTypes = ["note", "profileChanged"];

    /// <summary>The retention index's own condition; a query names it so the planner may read the partial index.</summary>
    public static readonly string IndexedCondition = $"event_type IN ({string.Join(", ", IndexedTypes.Select(t => $"'{t}'"))})";

    /// <summary>
    /// The WHERE condition for <paramref name="ages"/>, with parameters named <c>{prefix}type{i}</c> and <c>{prefix}before{i}</c>;
    /// refuses a type the retention index does not hold (it would read the whole log).
    /// </summary>
    public static string Condition(IReadOnlyList<EventAge> ages, char prefix)
    {
        ArgumentNullException.ThrowIfNull(ages);
        if (ages.FirstOrDefault(a => !IndexedTypes.Contains(a.EventType)) is { } other)
        {
            throw new ArgumentException(
                $"Retention can age out only {string.Join(" and ", IndexedTypes)} events, which its index holds; '{other.EventType}' is not one of them.", nameof(ages));
        }
        return $"{IndexedCondition} AND ({string.Join(" OR ", ages.Select((_, i) => $"(event_type = {prefix}type{i} AND occurred_at < {prefix}before{i})"))})";
    }
}

/// <summary>A new payload for the record at <paramref name="Position"/>, written only while it still holds <paramref name="Expected"/>.</summary>
public sealed record LogRewrite(long Position, string Expected, string Payload);

/// <summary>An event that is now in the log.</summary>
public sealed record AcceptedEvent(string EventId, string CustomerId, int Partition, long Position, long Sequence);

/// <summary>The log's storage cannot be reached; nothing of the failed operation took effect.</summary>
public sealed class LogUnavailableException : Exception
{
    public LogUnavailableException(string message, Exception innerException) : base(message, innerException) { }
    public LogUnavailableException(string message) : base(message) { }
    public LogUnavailableException() { }
}
