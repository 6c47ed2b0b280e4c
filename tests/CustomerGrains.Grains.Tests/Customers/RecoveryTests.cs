using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Customers;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>Each test prepares a data directory by hand, then starts its own engine on it.</summary>
public sealed class RecoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private const int Partitions = 4;
    private static readonly Dictionary<string, string?> Settings = new() { ["InteractionLog:Partitions"] = "4" };

    private static PurchaseMade Purchase(string customer, int n, decimal amount) => new()
    {
        EventId = $"{customer}-{n}", CustomerId = customer, OccurredAt = T0.AddDays(n), Source = "test",
        OrderId = $"o{n}", Amount = amount, Currency = "EUR",
    };

    /// <summary>Appends to the log of a data directory with no engine running, as a crashed silo leaves it.</summary>
    private static async Task<long> AppendOfflineAsync(string directory, params InteractionEvent[] events)
    {
        var databases = EmbeddedDatabases.In(directory);
        await databases.Log.MigrateAsync(CancellationToken.None);
        await using var log = new SqliteInteractionLog(databases.Log, new LogPartitioner(Partitions), TimeProvider.System);
        var result = await log.AppendAsync(events, CancellationToken.None);
        return result.Accepted.Max(a => a.Position);
    }

    private static async Task SetCheckpointsAsync(string directory, long position)
    {
        await using var connection = await EmbeddedDatabases.In(directory).Log.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM stream_checkpoint";
        await command.ExecuteNonQueryAsync();
        for (var p = 0; p < Partitions; p++)
        {
            command.CommandText = $"INSERT INTO stream_checkpoint (partition, position) VALUES ({p}, {position})";
            await command.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_customer_the_stream_never_reached_catches_up_from_the_log_on_activation()
    {
        using var data = new TempDirectory("catchup");
        var last = await AppendOfflineAsync(data.Path, Purchase("dora", 1, 5m), Purchase("dora", 2, 7m));
        // Every partition is marked delivered: only the grain's catch-up can bring these events in.
        await SetCheckpointsAsync(data.Path, last);

        await using var engine = await EngineCluster.StartAsync(data.Path, Settings);
        var snapshot = await engine.Client.GetGrain<ICustomerGrain>("dora").GetSnapshotAsync();
        Assert.NotNull(snapshot);
        Assert.Equal(2, snapshot.AppliedEvents);
        Assert.Equal(12m, snapshot.Purchases.NetSpend);
    }

    [Fact]
    public async Task Events_delivered_again_after_a_lost_checkpoint_are_not_applied_twice()
    {
        using var data = new TempDirectory("redeliver");
        await using (var first = await EngineCluster.StartAsync(data.Path, Settings))
        {
            await first.Log.AppendAsync([Purchase("emil", 1, 5m), Purchase("emil", 2, 7m), Purchase("emil", 3, 9m)], CancellationToken.None);
            await Eventually.UntilAsync(
                () => first.Client.GetGrain<ICustomerGrain>("emil").GetSnapshotAsync(),
                s => s?.AppliedEvents == 3, "emil to apply 3 events");
        }

        // As if the silo had died before saving any delivery checkpoint: every partition is read again from the start.
        await SetCheckpointsAsync(data.Path, 0);
        await using var engine = await EngineCluster.StartAsync(data.Path, Settings);
        await engine.Log.AppendAsync([Purchase("emil", 4, 11m)], CancellationToken.None);

        var snapshot = await Eventually.UntilAsync(
            () => engine.Client.GetGrain<ICustomerGrain>("emil").GetSnapshotAsync(),
            s => s?.AppliedEvents >= 4, "emil to apply the fourth event");
        Assert.Equal(4, snapshot!.AppliedEvents);
        Assert.Equal(32m, snapshot.Purchases.NetSpend);
    }

    [Fact]
    public async Task A_changed_customer_saves_its_snapshot_an_interval_later_and_again_after_each_new_change()
    {
        using var data = new TempDirectory("flush");
        var settings = new Dictionary<string, string?>(Settings) { ["Snapshots:Interval"] = "00:00:01", ["Snapshots:EveryEvents"] = "1000" };
        await using var engine = await EngineCluster.StartAsync(data.Path, settings);
        var storage = engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(CustomerGrainsSiloBuilderExtensions.CustomerStorage);
        var grain = engine.Client.GetGrain<ICustomerGrain>("fina");
        async Task<long> StoredSequenceAsync()
        {
            var state = new GrainState<CustomerGrainState>(new CustomerGrainState());
            await storage.ReadStateAsync("customer", grain.GetGrainId(), state);
            return state.State?.LastSequence ?? 0;
        }

        await engine.Log.AppendAsync([Purchase("fina", 1, 5m), Purchase("fina", 2, 7m)], CancellationToken.None);
        await Eventually.UntilAsync(() => grain.GetSnapshotAsync(), s => s?.AppliedEvents == 2, "fina to apply 2 events");
        // Far fewer events than EveryEvents and no deactivation: only the flush timer can write these.
        await Eventually.UntilAsync(StoredSequenceAsync, n => n == 2, "the snapshot of 2 events to be saved");

        // The timer retires once everything is saved; the next change arms it again.
        await engine.Log.AppendAsync([Purchase("fina", 3, 9m)], CancellationToken.None);
        await Eventually.UntilAsync(StoredSequenceAsync, n => n == 3, "the snapshot of the third event to be saved");
        Assert.Equal(21m, (await grain.GetSnapshotAsync())!.Purchases.NetSpend);
    }
}
