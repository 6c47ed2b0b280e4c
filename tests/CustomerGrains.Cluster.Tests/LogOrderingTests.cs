using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerGrains.Cluster.Tests;

/// <summary>A private PostgreSQL server shared by the tests of <see cref="PostgresServerCollection"/>; each test takes a database of its own.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private PrivatePostgres? server;

    public async ValueTask InitializeAsync() => server = await PrivatePostgres.StartNewAsync();

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server!.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The tests that need a database but no silo: they share one server instead of starting one per class.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "one private PostgreSQL server";
}

[Collection(PostgresServerCollection.Name)]
public sealed class LogOrderingTests(PostgresServer server)
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_backlog_of_a_partition_counts_what_was_appended_after_its_delivery_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await server.NewDatabaseAsync();
        await using var database = new PostgresDatabase(cs);
        await database.MigrateAsync(ct);
        await using var log = new PostgresInteractionLog(database, new LogPartitioner(1), TimeProvider.System, Options.Create(new PostgresOptions { ConnectionString = cs }));
        Assert.Equal(new PartitionBacklog(0, 0, 0, 0, null), await log.ReadBacklogAsync(0, ct));

        var appended = await log.AppendAsync([.. Enumerable.Range(0, 3).Select(i => (InteractionEvent)new CustomerCancelled
        {
            EventId = $"backlog-{i}", CustomerId = "c1", OccurredAt = Day.AddMinutes(i), Source = "test",
        })], ct);
        var positions = appended.Accepted.Select(a => a.Position).Order().ToArray();
        var behind = await log.ReadBacklogAsync(0, ct);
        Assert.Equal((positions[^1], 0L, 3L), (behind.Head, behind.Delivered, behind.Behind));
        Assert.NotNull(behind.OldestBehindAppendedAt);

        await log.WriteCheckpointAsync(0, positions[1], ct);
        Assert.Equal((positions[1], 1L), ((await log.ReadBacklogAsync(0, ct)).Delivered, (await log.ReadBacklogAsync(0, ct)).Behind));
        await log.WriteCheckpointAsync(0, positions[^1], ct);
        Assert.Equal((0L, (DateTimeOffset?)null), ((await log.ReadBacklogAsync(0, ct)).Behind, (await log.ReadBacklogAsync(0, ct)).OldestBehindAppendedAt));
    }

    [Fact]
    public async Task A_partition_reader_never_skips_a_record_that_commits_after_a_higher_position()
    {
        var cs = await server.NewDatabaseAsync();
        await using var database = new PostgresDatabase(cs);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        // Few partitions and several writers (as several silos): positions are taken concurrently all the time.
        var partitioner = new LogPartitioner(2);
        var options = Options.Create(new PostgresOptions { ConnectionString = cs });
        var writers = Enumerable.Range(0, 4).Select(_ => new PostgresInteractionLog(database, partitioner, TimeProvider.System, options)).ToArray();
        var reader = writers[0];

        var appended = 0;
        var writing = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < 40; b++)
            {
                var batch = Enumerable.Range(0, 5).Select(k => (InteractionEvent)new CustomerContacted
                {
                    EventId = $"w{w}-b{b}-{k}",
                    CustomerId = $"c{(w * 13 + b * 5 + k) % 40}",
                    OccurredAt = Day.AddMinutes(b),
                    Source = "test",
                    Channel = Channel.Phone,
                    Reason = "order",
                    DurationSeconds = 60,
                }).ToList();
                var result = await writers[w % writers.Length].AppendAsync(batch, CancellationToken.None);
                Interlocked.Add(ref appended, result.Accepted.Count);
            }
        })));

        // Each partition is tailed as a pulling agent does: always after the last position seen.
        var seen = new List<long>[partitioner.Partitions];
        var tailing = Enumerable.Range(0, partitioner.Partitions).Select(p => Task.Run(async () =>
        {
            seen[p] = [];
            var last = 0L;
            while (true)
            {
                var done = writing.IsCompleted;
                var records = await reader.ReadPartitionAsync(p, last, 50, CancellationToken.None);
                foreach (var record in records)
                {
                    Assert.True(record.Position > last);
                    last = record.Position;
                    seen[p].Add(record.Position);
                }
                if (done && records.Count == 0)
                {
                    return;
                }
            }
        })).ToArray();
        await writing;
        await Task.WhenAll(tailing);

        Assert.Equal(8 * 40 * 5, appended);
        for (var p = 0; p < partitioner.Partitions; p++)
        {
            var all = (await reader.ReadPartitionAsync(p, 0, int.MaxValue, CancellationToken.None)).Select(r => r.Position).ToList();
            Assert.Equal(all, seen[p]);
        }
        for (var c = 0; c < 40; c++)
        {
            var sequences = (await reader.ReadCustomerAsync($"c{c}", 0, CancellationToken.None)).Select(r => r.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        }
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migration_applies_each_script_once_even_when_silos_start_together()
    {
        var cs = await server.NewDatabaseAsync();
        var databases = Enumerable.Range(0, 3).Select(_ => new PostgresDatabase(cs)).ToArray();

        var runs = await Task.WhenAll(databases.Select(d => d.MigrateAsync(TestContext.Current.CancellationToken)));
        var again = await databases[0].MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Single(runs, applied => applied.Count > 0);
        Assert.Contains("orleans-003-clustering.sql", runs.Single(applied => applied.Count > 0));
        Assert.Empty(again);
        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }
    }
}
