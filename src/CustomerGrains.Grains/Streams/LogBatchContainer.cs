using CustomerGrains.Grains.Log;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace CustomerGrains.Grains.Streams;

/// <summary>
/// One log record on its way from a partition to its customer's grain. The stream id and token are made once per
/// record: the queue cache asks every cursor's candidate record for its stream id, many times per record.
/// </summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.LogBatchContainer")]
internal sealed class LogBatchContainer(LogRecord record) : IBatchContainer
{
    // Boxed, so that a record read on two threads at once never sees half of a stream id.
    [NonSerialized]
    private object? streamId;

    [NonSerialized]
    private EventSequenceTokenV2? token;

    [Id(0)] public LogRecord Record { get; } = record;

    public StreamId StreamId => (StreamId)(streamId ??= LogPartitioner.StreamIdOf(Record.CustomerId));

    public StreamSequenceToken SequenceToken => token ??= new EventSequenceTokenV2(Record.Position);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Record is T item ? [Tuple.Create(item, SequenceToken)] : [];

    public bool ImportRequestContext() => false;
}
