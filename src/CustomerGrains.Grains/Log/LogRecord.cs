namespace CustomerGrains.Grains.Log;

/// <summary>
/// One event as stored in the interaction log. <see cref="Position"/> orders the whole log;
/// <see cref="Sequence"/> numbers the customer's own events 1, 2, 3... without gaps, so a grain can
/// tell a missed event from a duplicate.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.LogRecord")]
public sealed record LogRecord(
    [property: Id(0)] long Position,
    [property: Id(1)] int Partition,
    [property: Id(2)] string CustomerId,
    [property: Id(3)] long Sequence,
    [property: Id(4)] string EventId,
    [property: Id(5)] string Payload);
