using CustomerGrains.Abstractions;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Streams;
using Change = CustomerGrains.Testing.ChangeFeedScenario.Change;

namespace CustomerGrains.Client.Tests;

/// <summary>
/// The change feed as an Orleans stream, followed by a backend service's cluster client against a real engine process
/// (SQLite): the changes arrive in order with the positions <c>GET /api/changes</c> shows, and a consumer that comes back
/// with its last position, to the same engine or after the engine restarted, receives exactly the changes it missed.
/// </summary>
public sealed class ChangeStreamTests
{
    private static readonly Dictionary<string, string> Settings = new() { ["Snapshots:Interval"] = "00:00:01" };
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_consumer_receives_every_change_in_feed_order_and_resumes_from_its_last_position_also_after_a_restart()
    {
        using var data = new TempDirectory("stream");
        long last;
        await using (var engine = new HostProcess(data.Path, Settings))
        {
            await engine.StartAsync();
            using var feed = new ChangeFeedScenario(engine.BaseAddress);
            using var service = await ConnectAsync(engine);
            using var api = new ApiClient(engine.BaseAddress);

            // Subscribed from the start: two new customers' first tiers and stages arrive as the feed has them.
            var first = await Consumer.SubscribeAsync(service, after: 0);
            await IngestAsync(api, "a", "b");
            var received = await first.WaitForStageOfAsync(Customer("a"), Customer("b"));
            Assert.All(received, r => Assert.Equal(r.Change.Position, r.Token.SequenceNumber));
            Assert.Contains(received, r => r.Change.CustomerId == Customer("a") && r.Change.Kind == CustomerChangeKinds.Tier && r.Change.From is null);
            await AssertAsInTheFeedAsync(feed, after: 0, received);

            // Unsubscribed, more changes happen; resumed from the last position handled, exactly those arrive.
            await first.UnsubscribeAsync();
            last = received[^1].Change.Position;
            await IngestAsync(api, "c");
            await feed.WaitForAsync(last, Customer("c"), c => c.Kind == CustomerChangeKinds.Stage, "c's stage in the feed", Timeout);
            var resumed = await Consumer.SubscribeAsync(service, after: last);
            var missed = await resumed.WaitForStageOfAsync(Customer("c"));
            await AssertAsInTheFeedAsync(feed, last, missed);
            await resumed.UnsubscribeAsync();

            // Changes the consumer misses before the engine stops.
            last = missed[^1].Change.Position;
            await IngestAsync(api, "d", "e");
            await feed.WaitForAsync(last, Customer("e"), c => c.Kind == CustomerChangeKinds.Stage, "e's stage in the feed", Timeout);
            await feed.WaitForAsync(last, Customer("d"), c => c.Kind == CustomerChangeKinds.Stage, "d's stage in the feed", Timeout);
            await service.StopAsync();
            await engine.StopAsync();
        }

        // After a restart the stream starts from the table again: what the consumer missed comes from it, in order.
        await using var again = new HostProcess(data.Path, Settings);
        await again.StartAsync();
        using var feedAgain = new ChangeFeedScenario(again.BaseAddress);
        using var serviceAgain = await ConnectAsync(again);
        var afterRestart = await Consumer.SubscribeAsync(serviceAgain, after: last);
        var caughtUp = await afterRestart.WaitForStageOfAsync(Customer("d"), Customer("e"));
        await AssertAsInTheFeedAsync(feedAgain, last, caughtUp);
        await afterRestart.UnsubscribeAsync();
    }

    private string Customer(string name) => $"stream-{run}-{name}";

    private async Task IngestAsync(ApiClient api, params string[] names)
    {
        var (status, body) = await api.PostEventsAsync(EventJson.Batch([.. names.Select((name, i) =>
            EventJson.Purchase($"{Customer(name)}-1", Customer(name), DateTimeOffset.UtcNow.AddDays(-5 - i), 50m + i))]));
        Assert.True(status == System.Net.HttpStatusCode.Accepted, body.ToString());
    }

    /// <summary>The changes received are the feed's after <paramref name="after"/>, in its order, each once.</summary>
    private static async Task AssertAsInTheFeedAsync(ChangeFeedScenario feed, long after, IReadOnlyList<(CustomerChange Change, StreamSequenceToken Token)> received)
    {
        var inFeed = await feed.ReadAllAsync(after);
        Assert.Equal(inFeed.Take(received.Count), received.Select(r => new Change(r.Change.Position, r.Change.CustomerId, r.Change.Kind, r.Change.From, r.Change.To, r.Change.Detail)));
    }

    private static async Task<ConnectedClient> ConnectAsync(HostProcess engine)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddCustomerGrainsClient(o => o.Gateways.Add($"127.0.0.1:{engine.GatewayPort}"));
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new ConnectedClient(host);
    }

    private sealed class ConnectedClient(IHost host) : IDisposable
    {
        public IClusterClient Cluster => host.Services.GetRequiredService<IClusterClient>();

        public Task StopAsync() => host.StopAsync(CancellationToken.None);

        public void Dispose() => host.Dispose();
    }

    /// <summary>A subscription as a backend service holds one: what it received, with the token each came with.</summary>
    private sealed class Consumer
    {
        private readonly List<(CustomerChange Change, StreamSequenceToken Token)> received = [];
        private StreamSubscriptionHandle<CustomerChange>? handle;

        public static async Task<Consumer> SubscribeAsync(ConnectedClient client, long after)
        {
            var consumer = new Consumer();
            var stream = client.Cluster.GetStreamProvider(StreamNames.CustomerChanges).GetStream<CustomerChange>(CustomerChangeStream.Id);
            consumer.handle = await stream.SubscribeAsync((change, token) =>
            {
                lock (consumer.received)
                {
                    consumer.received.Add((change, token!));
                }
                return Task.CompletedTask;
            }, CustomerChangeStream.After(after));
            return consumer;
        }

        /// <summary>Waits until a stage change of each customer arrived; answers everything received, checked to be in order and once.</summary>
        public async Task<List<(CustomerChange Change, StreamSequenceToken Token)>> WaitForStageOfAsync(params string[] customers)
        {
            var all = await Eventually.UntilAsync(
                () => Task.FromResult(Snapshot()),
                changes => customers.All(id => changes.Any(c => c.Change.CustomerId == id && c.Change.Kind == CustomerChangeKinds.Stage)),
                $"a stage change of {string.Join(", ", customers)} on the stream", Timeout);
            var positions = all.Select(c => c.Change.Position).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.Equal(positions.Count, positions.Distinct().Count());
            return all;
        }

        public Task UnsubscribeAsync() => handle!.UnsubscribeAsync();

        private List<(CustomerChange Change, StreamSequenceToken Token)> Snapshot()
        {
            lock (received)
            {
                return [.. received];
            }
        }
    }
}
