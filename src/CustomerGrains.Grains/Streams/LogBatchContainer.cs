using CustomerGrains.Grains.Log;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace CustomerGrains.Grains.Streams;

/// <summary>One log record on its way from a partition to its customer's grain.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.LogBatchContainer")]
internal sealed class LogBatchContainer(LogRecord record) : IBatchContainer
{
    [Id(0)] public LogRecord Record { get; } = record;

    public StreamId StreamId => LogPartitioner.StreamIdOf(Record.CustomerId);

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Record.Position);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Record is T item ? [Tuple.Create(item, SequenceToken)] : [];

    public bool ImportRequestContext() => false;
}
