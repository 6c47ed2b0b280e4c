using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace CustomerGrains.Grains.Streams;

/// <summary>
/// A persistent stream provider whose queues are the partitions of the interaction log. It only reads:
/// events enter the log through the ingest path, which acknowledges them once they are durable.
/// </summary>
internal sealed class LogQueueAdapterFactory(
    string name,
    IInteractionLog log,
    LogPartitioner partitioner,
    TimeProvider time,
    IOptions<InteractionLogOptions> options,
    ILoggerFactory loggerFactory) : IQueueAdapterFactory, IQueueAdapter
{
    private readonly SimpleQueueAdapterCache cache = new(new SimpleQueueCacheOptions(), name, loggerFactory);
    private readonly IStreamFailureHandler failureHandler = new NoOpStreamDeliveryFailureHandler();

    public static IQueueAdapterFactory Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<LogQueueAdapterFactory>(services, name);

    public string Name => name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => cache;

    public IStreamQueueMapper GetStreamQueueMapper() => partitioner.QueueMapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult(failureHandler);

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException("Interactions enter through the interaction log (POST /api/interactions), not through the stream.");

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new LogQueueReceiver(queueId, log, time, options.Value.CheckpointInterval, loggerFactory.CreateLogger<LogQueueReceiver>());
}
