using CustomerGrains.Abstractions;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace CustomerGrains.Grains.Changes;

/// <summary>
/// The change stream's queue on a silo (<see cref="CustomerChangeStream"/>): the changes table is the durable queue and
/// a change's position its sequence token. Orleans' pulling agent for the one queue (on one silo of the cluster) polls
/// <see cref="ChangeQueueReceiver"/> for the changes after the last it read and keeps the newest in
/// <see cref="ChangeQueueCache"/>; a consumer resuming from a position older than the cache holds is served from the
/// table. Nothing is written for the stream: publishing a change is recording it, and when nobody subscribes the
/// stream costs the agent's poll of the table's index.
/// </summary>
internal sealed class TableChangeQueue(ICustomerChangeStore store, ILoggerFactory loggers) : CustomerChangeQueueAdapter, IQueueAdapterCache
{
    /// <summary>The most changes read from the table at once, by the receiver or by a consumer catching up.</summary>
    public const int PageSize = 100;

    public override IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new ChangeQueueReceiver(store);

    public override IQueueAdapterCache GetQueueAdapterCache() => this;

    public IQueueCache CreateQueueCache(QueueId queueId) => new ChangeQueueCache(store, loggers.CreateLogger<ChangeQueueCache>());
}

/// <summary>
/// Reads the changes table in position order for the pulling agent. It starts at the newest change, read again, so
/// that the agent registers the stream (and hands each subscriber its cursor) as soon as it starts rather than at the
/// next change: a consumer resuming after a restart catches up at once. Positions become visible in order on both
/// backends, so reading after the last position read never passes over a change.
/// </summary>
internal sealed class ChangeQueueReceiver(ICustomerChangeStore store) : IQueueAdapterReceiver
{
    private long after = -1;

    public async Task Initialize(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        after = await StartAsync(cancel.Token);
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        if (after < 0)
        {
            // The table could not be read at start; the agent polls on regardless.
            after = await StartAsync(CancellationToken.None);
        }
        var changes = await store.ReadAsync(after, maxCount is > 0 and < TableChangeQueue.PageSize ? maxCount : TableChangeQueue.PageSize, CancellationToken.None);
        if (changes.Count > 0)
        {
            after = changes[^1].Position;
        }
        return [.. changes.Select(c => (IBatchContainer)new CustomerChangeBatch(c))];
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

    private async Task<long> StartAsync(CancellationToken cancellationToken) =>
        Math.Max(0, await store.LastPositionAsync(cancellationToken) - 1);
}

/// <summary>
/// The newest changes the receiver read (at most <see cref="Capacity"/>), and cursors over them. A cursor wants "the
/// first change at or after a position"; when that is older than the cache holds it reads the table a page at a time
/// (synchronously, as Orleans' cursors are: only a consumer catching up pays for it), so no position is ever too old.
/// </summary>
internal sealed partial class ChangeQueueCache(ICustomerChangeStore store, ILogger<ChangeQueueCache> logger) : IQueueCache
{
    /// <summary>The most changes kept in memory.</summary>
    public const int Capacity = 1000;

    private readonly List<CustomerChangeBatch> recent = [];

    /// <summary>Every change after this position, up to the newest read, is in <see cref="recent"/>; -1 until the first is read.</summary>
    private long floor = -1;

    public int GetMaxAddCount() => TableChangeQueue.PageSize;

    public void AddToCache(IList<IBatchContainer> messages)
    {
        foreach (var batch in messages.OfType<CustomerChangeBatch>())
        {
            if (floor < 0)
            {
                // The receiver read after a position and this is the first change after it.
                floor = batch.Change.Position - 1;
            }
            recent.Add(batch);
        }
        if (recent.Count > Capacity)
        {
            var dropped = recent.Count - Capacity;
            floor = recent[dropped - 1].Change.Position;
            recent.RemoveRange(0, dropped);
        }
    }

    public bool TryPurgeFromCache(out IList<IBatchContainer> purgedItems)
    {
        // The table keeps every change; nothing is acknowledged to it.
        purgedItems = [];
        return false;
    }

    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        new ChangeCursor(this, streamId, token?.SequenceNumber ?? (floor < 0 ? null : Newest + 1));

    public bool IsUnderPressure() => false;

    private long Newest => recent.Count > 0 ? recent[^1].Change.Position : floor;

    /// <summary>
    /// Whether the cache can tell the first change at or after <paramref name="position"/> without the table (it cannot
    /// while it holds nothing yet, or for a position older than it holds); <paramref name="first"/> is null when no such
    /// change has been read yet.
    /// </summary>
    private bool TryCached(long position, out CustomerChangeBatch? first)
    {
        first = null;
        if (floor < 0 || position <= floor)
        {
            return false;
        }
        int low = 0, high = recent.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (recent[middle].Change.Position < position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        first = low < recent.Count ? recent[low] : null;
        return true;
    }

    /// <summary>A page of the table from <paramref name="position"/> on, or nothing when the table cannot be read now (the cursor tries again at the next change).</summary>
    private IReadOnlyList<CustomerChangeBatch> Read(long position)
    {
        try
        {
            // The agent's turn waits for the read; Task.Run keeps the store's continuations off the agent's scheduler.
            var changes = Task.Run(() => store.ReadAsync(position - 1, TableChangeQueue.PageSize, CancellationToken.None)).GetAwaiter().GetResult();
            return [.. changes.Select(c => new CustomerChangeBatch(c))];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReadFailed(logger, position, e);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change stream could not read the changes from position {Position}; a consumer catching up waits for the next change")]
    private static partial void LogReadFailed(ILogger logger, long position, Exception exception);

    /// <summary>
    /// A consumer's place in the stream: the position it wants next (null: the first change the cache gets), served from
    /// the cache or, behind it, from a page of the table.
    /// </summary>
    private sealed class ChangeCursor(ChangeQueueCache cache, StreamId streamId, long? next) : IQueueCacheCursor
    {
        private readonly bool onStream = streamId.Equals(CustomerChangeStream.Id);
        private readonly Queue<CustomerChangeBatch> page = new();
        private CustomerChangeBatch? current;

        public IBatchContainer? GetCurrent(out Exception? exception)
        {
            exception = null;
            return current;
        }

        public bool MoveNext()
        {
            if (!onStream || (next is null && cache.floor < 0))
            {
                return false;
            }
            var wanted = next ?? cache.floor + 1;
            while (page.TryPeek(out var seen) && seen.Change.Position < wanted)
            {
                page.Dequeue();
            }
            if (page.Count == 0)
            {
                if (cache.TryCached(wanted, out var first))
                {
                    if (first is not null)
                    {
                        page.Enqueue(first);
                    }
                }
                else
                {
                    foreach (var batch in cache.Read(wanted))
                    {
                        page.Enqueue(batch);
                    }
                }
            }
            if (!page.TryDequeue(out var found))
            {
                return false;
            }
            current = found;
            next = found.Change.Position + 1;
            return true;
        }

        public void Refresh(StreamSequenceToken token)
        {
            // The cursor looks at the cache (or the table) afresh at every move.
        }

        public void RecordDeliveryFailure()
        {
            // Delivery is retried by the agent from the consumer's own token.
        }

        public void Dispose()
        {
        }
    }
}
