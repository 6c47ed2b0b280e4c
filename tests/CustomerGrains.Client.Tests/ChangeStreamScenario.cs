using System.Net;
using CustomerGrains.Abstractions;
using CustomerGrains.Testing;
using Orleans.Streams;
using Change = CustomerGrains.Testing.ChangeFeedScenario.Change;

namespace CustomerGrains.Client.Tests;

/// <summary>
/// The change feed as an Orleans stream, followed through a cluster client as a backend service follows it: new
/// customers' tiers and stages arrive in the feed's order with its positions, and a consumer that unsubscribes and comes
/// back with its last position receives exactly the changes it missed. The SQLite client tests and the PostgreSQL
/// cluster tests (which link this file) run the same checks.
/// </summary>
public sealed class ChangeStreamScenario(IClusterClient cluster, Uri engine, TimeSpan timeout) : IDisposable
{
    private readonly ApiClient api = new(engine);
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The feed over HTTP, to compare with.</summary>
    public ChangeFeedScenario Feed { get; } = new(engine);

    /// <summary>Follows two new customers from the feed's end, then resumes after a third; answers the last position handled.</summary>
    public async Task<long> FollowAndResumeAsync()
    {
        var start = await Feed.EndAsync();
        var first = await SubscribeAsync(start);
        await IngestAsync("a", "b");
        var received = await first.WaitForStageOfAsync(Customer("a"), Customer("b"));
        Assert.All(received, r => Assert.Equal(r.Change.Position, r.Token.SequenceNumber));
        Assert.Contains(received, r => r.Change.CustomerId == Customer("a") && r.Change.Kind == CustomerChangeKinds.Tier && r.Change.From is null);
        await AssertAsInTheFeedAsync(start, received);

        // Unsubscribed, more changes happen; resumed from the last position handled, exactly those arrive.
        await first.UnsubscribeAsync();
        var last = received[^1].Change.Position;
        await IngestAsync("c");
        await Feed.WaitForAsync(last, Customer("c"), c => c.Kind == CustomerChangeKinds.Stage, "c's stage in the feed", timeout);
        var resumed = await SubscribeAsync(last);
        var missed = await resumed.WaitForStageOfAsync(Customer("c"));
        await AssertAsInTheFeedAsync(last, missed);
        await resumed.UnsubscribeAsync();
        return missed[^1].Change.Position;
    }

    /// <summary>A customer of this run.</summary>
    public string Customer(string name) => $"stream-{run}-{name}";

    /// <summary>Ingests a first purchase of each customer named; a first row brings their tier and stage.</summary>
    public async Task IngestAsync(params string[] names)
    {
        var (status, body) = await api.PostEventsAsync(EventJson.Batch([.. names.Select((name, i) =>
            EventJson.Purchase($"{Customer(name)}-1", Customer(name), DateTimeOffset.UtcNow.AddDays(-5 - i), 50m + i))]));
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
    }

    /// <summary>Waits until the feed has a stage change of each customer named after <paramref name="after"/>.</summary>
    public async Task WaitForStagesInTheFeedAsync(long after, params string[] names)
    {
        foreach (var name in names)
        {
            await Feed.WaitForAsync(after, Customer(name), c => c.Kind == CustomerChangeKinds.Stage, $"{name}'s stage in the feed", timeout);
        }
    }

    /// <summary>A consumer subscribed to receive the changes after <paramref name="after"/>.</summary>
    public async Task<Consumer> SubscribeAsync(long after)
    {
        var consumer = new Consumer(timeout);
        var stream = cluster.GetStreamProvider(StreamNames.CustomerChanges).GetStream<CustomerChange>(CustomerChangeStream.Id);
        await consumer.SubscribeAsync(stream, CustomerChangeStream.After(after));
        return consumer;
    }

    /// <summary>The changes received are the feed's after <paramref name="after"/>, in its order, each once, none left out.</summary>
    public async Task AssertAsInTheFeedAsync(long after, IReadOnlyList<(CustomerChange Change, StreamSequenceToken Token)> received)
    {
        var inFeed = await Feed.ReadAllAsync(after);
        Assert.Equal(inFeed.Take(received.Count), received.Select(r => new Change(r.Change.Position, r.Change.CustomerId, r.Change.Kind, r.Change.From, r.Change.To, r.Change.Detail)));
    }

    public void Dispose()
    {
        api.Dispose();
        Feed.Dispose();
    }

    /// <summary>A subscription as a backend service holds one: what it received, with the token each came with.</summary>
    public sealed class Consumer(TimeSpan timeout)
    {
        private readonly List<(CustomerChange Change, StreamSequenceToken Token)> received = [];
        private StreamSubscriptionHandle<CustomerChange>? handle;

        internal async Task SubscribeAsync(IAsyncStream<CustomerChange> stream, StreamSequenceToken token) =>
            handle = await stream.SubscribeAsync((change, at) =>
            {
                lock (received)
                {
                    received.Add((change, at!));
                }
                return Task.CompletedTask;
            }, token);

        /// <summary>Waits until a stage change of each customer arrived; answers everything received, checked to be in order and once.</summary>
        public async Task<List<(CustomerChange Change, StreamSequenceToken Token)>> WaitForStageOfAsync(params string[] customers)
        {
            var all = await Eventually.UntilAsync(
                () => Task.FromResult(Received()),
                changes => customers.All(id => changes.Any(c => c.Change.CustomerId == id && c.Change.Kind == CustomerChangeKinds.Stage)),
                $"a stage change of {string.Join(", ", customers)} on the stream", timeout);
            var positions = all.Select(c => c.Change.Position).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.Equal(positions.Count, positions.Distinct().Count());
            return all;
        }

        public Task UnsubscribeAsync() => handle!.UnsubscribeAsync();

        private List<(CustomerChange Change, StreamSequenceToken Token)> Received()
        {
            lock (received)
            {
                return [.. received];
            }
        }
    }
}
