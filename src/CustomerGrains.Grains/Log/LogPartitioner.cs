using CustomerGrains.Abstractions;
using Orleans.Configuration;
using Orleans.Streams;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// Maps a customer to a log partition: the queue that Orleans' hash ring maps the customer's stream id to (the mapping
/// the log was first partitioned by, kept so that logs written by earlier builds keep their customers in place).
/// The count of partitions is fixed for the life of a deployment's log.
/// </summary>
public sealed class LogPartitioner
{
    public const string QueuePrefix = "interaction-log";

    public LogPartitioner(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        Partitions = partitions;
        QueueMapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = partitions }, QueuePrefix);
    }

    public int Partitions { get; }

    public HashRingBasedStreamQueueMapper QueueMapper { get; }

    public int PartitionOf(string customerId) =>
        (int)QueueMapper.GetQueueForStream(StreamIdOf(customerId)).GetNumericId();

    public static StreamId StreamIdOf(string customerId) =>
        StreamId.Create(StreamNames.CustomerInteractions, customerId);
}
