using Orleans.Configuration;
using Orleans.Streams;

namespace CustomerGrains.Abstractions;

/// <summary>
/// The change feed as an Orleans stream, for consumers inside the cluster (a grain) or connected to it (a cluster client
/// through <c>AddCustomerGrainsClient</c>): the provider <see cref="StreamNames.CustomerChanges"/> has one stream,
/// <see cref="Id"/>, which carries every <see cref="CustomerChange"/> in position order, the same changes at the same
/// positions as <c>GET /api/changes</c>. Each change arrives with a <see cref="CustomerChangeToken"/> of its position;
/// subscribe (or resume) with <see cref="After"/> of the last position handled to receive exactly the changes after it,
/// whether it was handled a second or a month ago, before or after a silo restart.
/// </summary>
/// <remarks>
/// One stream for all customers rather than one per customer: the feed is one ordered log with one position, so a
/// consumer keeps one position to resume from, as over HTTP; and the stream's pulling agent registers one stream with
/// the cluster's pub-sub instead of one per customer it sees, which would cost a pub-sub call per new customer whether
/// anyone listens or not. A consumer interested in some customers filters by <see cref="CustomerChange.CustomerId"/>.
/// </remarks>
public static class CustomerChangeStream
{
    /// <summary>The key of the one stream in the <see cref="StreamNames.CustomerChanges"/> namespace.</summary>
    public const string Key = "all";

    /// <summary>The id of the stream of every customer change.</summary>
    public static StreamId Id { get; } = StreamId.Create(StreamNames.CustomerChanges, Key);

    /// <summary>
    /// The token to subscribe or resume with to receive the changes after <paramref name="position"/> (0: from the first
    /// change kept), the position of the last change handled. Orleans delivers from a token's own event on, so this is
    /// the token of the first position after it.
    /// </summary>
    public static StreamSequenceToken After(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return new CustomerChangeToken(position + 1);
    }
}

/// <summary>Where a change is in the change stream: its <see cref="CustomerChange.Position"/>.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerChangeToken")]
public sealed class CustomerChangeToken : StreamSequenceToken
{
    /// <summary>The token of <paramref name="position"/>.</summary>
    public CustomerChangeToken(long position) => Position = position;

    /// <summary>The position in the change feed.</summary>
    [Id(0)] public long Position { get; private set; }

    /// <summary>The position: the stream's order.</summary>
    public override long SequenceNumber
    {
        get => Position;
        protected set => Position = value;
    }

    /// <summary>Always 0: each position holds one change.</summary>
    public override int EventIndex
    {
        get => 0;
        protected set { }
    }

    /// <inheritdoc/>
    public override bool Equals(StreamSequenceToken? other) => other is CustomerChangeToken token && token.Position == Position;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StreamSequenceToken token && Equals(token);

    /// <inheritdoc/>
    public override int GetHashCode() => Position.GetHashCode();

    /// <inheritdoc/>
    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }
        var bySequence = SequenceNumber.CompareTo(other.SequenceNumber);
        return bySequence != 0 ? bySequence : EventIndex.CompareTo(other.EventIndex);
    }

    /// <inheritdoc/>
    public override string ToString() => $"position {Position}";
}

/// <summary>One change as the change stream carries it.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerChangeBatch")]
public sealed record CustomerChangeBatch([property: Id(0)] CustomerChange Change) : IBatchContainer
{
    /// <inheritdoc/>
    public StreamId StreamId => CustomerChangeStream.Id;

    /// <inheritdoc/>
    public StreamSequenceToken SequenceToken => new CustomerChangeToken(Change.Position);

    /// <inheritdoc/>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Change is T item ? [Tuple.Create(item, SequenceToken)] : [];

    /// <inheritdoc/>
    public bool ImportRequestContext() => false;
}

/// <summary>
/// The change stream's queue adapter as a cluster client has it: one queue, rewindable, read-only (only the engine
/// writes changes, as it writes the read model). Silos derive from it to read the queue, which is the changes table.
/// </summary>
public class CustomerChangeQueueAdapter : IQueueAdapterFactory, IQueueAdapter
{
    private readonly HashRingBasedStreamQueueMapper queues = new(new HashRingStreamQueueMapperOptions { TotalQueueCount = 1 }, StreamNames.CustomerChanges);

    /// <inheritdoc/>
    public string Name => StreamNames.CustomerChanges;

    /// <summary>True: a consumer may subscribe from any earlier position.</summary>
    public bool IsRewindable => true;

    /// <inheritdoc/>
    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    /// <inheritdoc/>
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException(
            $"The {StreamNames.CustomerChanges} stream is read-only: the engine publishes a change when it records it; nothing can be sent on it.");

    /// <summary>Only a silo's pulling agent reads the queue.</summary>
    public virtual IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        throw new NotSupportedException($"Only a silo reads the {StreamNames.CustomerChanges} queue.");

    /// <inheritdoc/>
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    /// <summary>Only a silo's pulling agent caches the queue.</summary>
    public virtual IQueueAdapterCache GetQueueAdapterCache() =>
        throw new NotSupportedException($"Only a silo caches the {StreamNames.CustomerChanges} queue.");

    /// <inheritdoc/>
    public IStreamQueueMapper GetStreamQueueMapper() => queues;

    /// <inheritdoc/>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}
