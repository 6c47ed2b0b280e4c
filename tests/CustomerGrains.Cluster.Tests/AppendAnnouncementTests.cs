using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// Idle partitions are not read at every poll: a silo reads a partition when an append to it was announced, and reads
/// at every poll again while it cannot hear the announcements, so no record waits for the slow safety read.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class AppendAnnouncementTests(PostgresServer server)
{
    private static readonly DateTimeOffset Day = new(2026, 2, 1, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_quiet_partition_is_read_again_when_another_silo_appends_and_at_every_poll_while_the_listener_is_down()
    {
        var cs = await server.NewDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(cs).Database!;
        await using var database = new PostgresDatabase(cs);
        await database.MigrateAsync(Ct);
        await using var otherSilo = new PostgresDatabase(cs);
        var partitioner = new LogPartitioner(2);
        var options = Options.Create(new PostgresOptions { ConnectionString = cs });
        // The reader's clock stands still, so its safety reads never come due: only what it hears makes it read.
        await using var reader = new PostgresInteractionLog(database, partitioner, new StoppedClock(), options);
        await using var writer = new PostgresInteractionLog(otherSilo, partitioner, TimeProvider.System, options);
        const string Customer = "quiet-1";
        var partition = partitioner.PartitionOf(Customer);
        var last = 0L;
        var read = new List<string>();

        // One poll as a pulling agent makes it: true when it read the partition.
        async Task<bool> PollAsync()
        {
            if (!reader.MayHaveRecordsAfter(partition, last))
            {
                return false;
            }
            foreach (var record in await reader.ReadPartitionAsync(partition, last, 100, Ct))
            {
                read.Add(record.EventId);
                last = record.Position;
            }
            return true;
        }
        Task UntilQuietAsync(string awaited) => Eventually.UntilAsync(async () =>
        {
            await PollAsync();
            return !reader.MayHaveRecordsAfter(partition, last);
        }, awaited);
        Task UntilReadAsync(string eventId, string awaited) => Eventually.UntilAsync(async () =>
        {
            await PollAsync();
            return read.Contains(eventId);
        }, awaited);

        await writer.AppendAsync([Contact("q1")], Ct);
        await UntilQuietAsync("the partition to count as quiet once the listener is up and the partition was read to its end");
        Assert.Equal(["q1"], read);
        Assert.False(await PollAsync());
        Assert.False(await PollAsync());

        await writer.AppendAsync([Contact("q2")], Ct);
        await UntilReadAsync("q2", "the other silo's append to be announced and read");
        await UntilQuietAsync("the partition to be quiet again");

        // The listener's connection dies and cannot come back: an append now is not announced, and it is read all the same.
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync(Ct);
            await ExecuteAsync(admin, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false");
            await ExecuteAsync(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'customergrains-log-listener'");
            await writer.AppendAsync([Contact("q3")], Ct);
            await UntilReadAsync("q3", "the append made while the listener was down to be read");
            Assert.True(await PollAsync(), "without a listener every poll reads");
            await ExecuteAsync(admin, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true");
        }

        await UntilQuietAsync("the listener to reconnect and the partition to be quiet again");
        await writer.AppendAsync([Contact("q4")], Ct);
        await UntilReadAsync("q4", "announcements to be heard again after the reconnection");
        Assert.Equal(["q1", "q2", "q3", "q4"], read);
    }

    private static CustomerContacted Contact(string id) => new()
    {
        EventId = id,
        CustomerId = "quiet-1",
        OccurredAt = Day,
        Source = "test",
        Channel = Channel.Phone,
        Reason = "order",
        DurationSeconds = 30,
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private sealed class StoppedClock : TimeProvider
    {
        private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
