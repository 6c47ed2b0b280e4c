using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Changes;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;

namespace CustomerGrains.Grains.Tests.Changes;

/// <summary>
/// The change stream's cache on its own, over a changes table kept in a list: a consumer from any position gets every
/// change after it once and in order, from memory or, when it is older than memory holds, from the table.
/// </summary>
public sealed class ChangeQueueCacheTests
{
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Positions with gaps, as a sequence may leave them.</summary>
    private static readonly List<CustomerChange> Table = [.. Enumerable.Range(1, 2600).Where(p => p % 7 != 0).Select(p => new CustomerChange
    {
        Position = p, CustomerId = $"c{p % 13}", Kind = CustomerChangeKinds.Stage, To = "active", At = Day.AddSeconds(p),
    })];

    [Fact]
    public async Task A_consumer_older_than_the_cache_reads_the_table_then_the_cache_each_change_once_in_order()
    {
        var cache = await CacheReadingAsync(after: 0);

        var fromStart = Drain(cache.GetCacheCursor(CustomerChangeStream.Id, CustomerChangeStream.After(0)));
        Assert.Equal(Table.Select(c => c.Position), fromStart);

        var fromMiddle = Drain(cache.GetCacheCursor(CustomerChangeStream.Id, CustomerChangeStream.After(1000)));
        Assert.Equal(Table.Where(c => c.Position > 1000).Select(c => c.Position), fromMiddle);
    }

    [Fact]
    public async Task A_consumer_without_a_position_gets_what_is_read_after_it_subscribed_and_other_streams_get_nothing()
    {
        var cache = await CacheReadingAsync(after: 2000);
        var fromNow = cache.GetCacheCursor(CustomerChangeStream.Id, null);
        var otherStream = cache.GetCacheCursor(StreamId.Create(StreamNames.CustomerChanges, "someone"), CustomerChangeStream.After(0));
        Assert.Empty(Drain(fromNow));

        cache.AddToCache([new CustomerChangeBatch(Table[^1] with { Position = 3000 })]);

        Assert.Equal([3000L], Drain(fromNow));
        Assert.Empty(Drain(otherStream));
    }

    [Fact]
    public void A_position_to_resume_after_must_not_be_negative()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => CustomerChangeStream.After(-1));
        Assert.Equal("position", refused.ParamName);
        Assert.True(CustomerChangeStream.After(5).Equals(new CustomerChangeToken(6)));
        Assert.True(new CustomerChangeToken(6).CompareTo(new CustomerChangeToken(7)) < 0);
    }

    /// <summary>A cache fed by the receiver as the pulling agent feeds it, from <paramref name="after"/> to the end of the table.</summary>
    private static async Task<ChangeQueueCache> CacheReadingAsync(long after)
    {
        var store = new ListStore(after);
        var receiver = new ChangeQueueReceiver(store);
        await receiver.Initialize(TimeSpan.FromSeconds(5));
        var cache = new ChangeQueueCache(store, NullLogger<ChangeQueueCache>.Instance);
        while (await receiver.GetQueueMessagesAsync(cache.GetMaxAddCount()) is { Count: > 0 } read)
        {
            cache.AddToCache(read);
        }
        return cache;
    }

    private static List<long> Drain(IQueueCacheCursor cursor)
    {
        var positions = new List<long>();
        while (cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success)
        {
            positions.Add(((CustomerChangeBatch)cursor.GetCurrent(out _)!).Change.Position);
        }
        return positions;
    }

    /// <summary>The changes table in a list; <c>newest</c> is what the table's end was when the receiver started.</summary>
    private sealed class ListStore(long newest) : ICustomerChangeStore
    {
        public Task<IReadOnlyList<CustomerChange>> ReadAsync(long after, int maxCount, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CustomerChange>>([.. Table.Where(c => c.Position > after).Take(maxCount)]);

        public Task<long> LastPositionAsync(CancellationToken cancellationToken) => Task.FromResult(newest);
    }
}
