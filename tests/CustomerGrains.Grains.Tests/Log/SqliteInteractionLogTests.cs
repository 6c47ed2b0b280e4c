using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Log;

public sealed class SqliteInteractionLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory directory = new("log");
    private readonly LogPartitioner partitioner = new(4);
    private SqliteInteractionLog log = null!;

    public async ValueTask InitializeAsync()
    {
        var databases = EmbeddedDatabases.In(directory.Path);
        await databases.Log.MigrateAsync(TestContext.Current.CancellationToken);
        log = new SqliteInteractionLog(databases.Log, partitioner, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await log.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }

    private static CustomerCancelled Event(string id, string customer, int minute = 0) => new()
    {
        EventId = id, CustomerId = customer, OccurredAt = T0.AddMinutes(minute), Source = "test",
    };

    [Fact]
    public async Task Retention_finds_customers_with_old_notes_and_profile_changes_and_refuses_a_type_it_does_not_index()
    {
        var ct = TestContext.Current.CancellationToken;
        NoteAdded Note(string id, string customer, int minute) => new() { EventId = id, CustomerId = customer, OccurredAt = T0.AddMinutes(minute), Source = "test", Text = "called back" };
        await log.AppendAsync(
        [
            Note("n1", "ada", 0), Event("c1", "bob", 0), Note("n2", "cyd", 30),
            new ProfileChanged { EventId = "p1", CustomerId = "dan", OccurredAt = T0, Source = "test", Email = "dan@example.com" },
            new ProfileChanged { EventId = "p2", CustomerId = "eve", OccurredAt = T0.AddMinutes(30), Source = "test", Email = "eve@example.com" },
        ], ct);

        // Notes before minute 10 and profile changes before minute 40: bob's old cancellation is no note, cyd's note is too new.
        var ages = new[] { new EventAge("note", T0.AddMinutes(10)), new EventAge("profileChanged", T0.AddMinutes(40)) };
        Assert.Equal(["ada", "dan", "eve"], await log.CustomersWithEventsBeforeAsync(ages, "", 10, ct));
        Assert.Equal(["eve"], await log.CustomersWithEventsBeforeAsync(ages, "dan", 10, ct));

        var refused = await Assert.ThrowsAsync<ArgumentException>(
            () => log.CustomersWithEventsBeforeAsync([new EventAge("purchase", T0)], "", 10, ct));
        Assert.Contains("'purchase'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_backlog_of_a_partition_counts_what_was_appended_after_its_delivery_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var appended = await log.AppendAsync([Event("k1", "kim"), Event("k2", "kim", 1), Event("k3", "kim", 2)], ct);
        var partition = appended.Accepted[0].Partition;
        var positions = appended.Accepted.Select(a => a.Position).Order().ToArray();

        var behind = await log.ReadBacklogAsync(partition, ct);
        Assert.Equal((positions[^1], 0L, 3L), (behind.Head, behind.Delivered, behind.Behind));
        Assert.NotNull(behind.OldestBehindAppendedAt);

        await log.WriteCheckpointAsync(partition, positions[1], ct);
        var partly = await log.ReadBacklogAsync(partition, ct);
        Assert.Equal((positions[1], 1L), (partly.Delivered, partly.Behind));
        await log.WriteCheckpointAsync(partition, positions[^1], ct);
        var done = await log.ReadBacklogAsync(partition, ct);
        Assert.Equal((0L, (DateTimeOffset?)null), (done.Behind, done.OldestBehindAppendedAt));
    }

    [Fact]
    public async Task The_oldest_behind_is_when_the_first_record_after_the_checkpoint_was_appended()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        await using var clocked = new SqliteInteractionLog(EmbeddedDatabases.In(directory.Path).Log, partitioner, clock);
        var first = await clocked.AppendAsync([Event("k1", "kim")], ct);
        clock.Advance(TimeSpan.FromSeconds(7));
        await clocked.AppendAsync([Event("k2", "kim")], ct);
        clock.Advance(TimeSpan.FromSeconds(5));
        await clocked.AppendAsync([Event("k3", "kim")], ct);
        var partition = first.Accepted[0].Partition;

        Assert.Equal(T0, (await clocked.ReadBacklogAsync(partition, ct)).OldestBehindAppendedAt);
        await clocked.WriteCheckpointAsync(partition, first.Accepted[0].Position, ct);
        var later = await clocked.ReadBacklogAsync(partition, ct);
        Assert.Equal((2L, T0.AddSeconds(7)), (later.Behind, later.OldestBehindAppendedAt));
    }

    [Fact]
    public async Task An_erasure_leaves_the_customers_records_in_place_as_tombstones_and_later_events_are_numbered_after_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var reason = new CustomerCancelled { EventId = "e2", CustomerId = "eve", OccurredAt = T0.AddMinutes(1), Source = "test", Reason = "moving to Quernheim" };
        await log.AppendAsync([Event("e1", "eve"), Event("o1", "otto"), reason], ct);
        var before = await log.ReadCustomerAsync("eve", 0, ct);

        var erasure = await log.EraseCustomerAsync("eve", T0.AddDays(1), ct);

        Assert.Equal(new LogErasure(2, 2), erasure);
        var after = await log.ReadCustomerAsync("eve", 0, ct);
        Assert.Equal(before.Select(r => (r.Position, r.Partition, r.Sequence, r.EventId)), after.Select(r => (r.Position, r.Partition, r.Sequence, r.EventId)));
        Assert.All(after, r => Assert.True(r.IsErased));
        Assert.DoesNotContain(after, r => r.Payload.Contains("Quernheim", StringComparison.Ordinal));
        Assert.False(Assert.Single(await log.ReadCustomerAsync("otto", 0, ct)).IsErased);
        Assert.Equal(new LogErasure(2, 0), await log.EraseCustomerAsync("eve", T0.AddDays(2), ct));

        var resent = await log.AppendAsync([reason, Event("e3", "eve", 2)], ct);
        Assert.Equal(["e2"], resent.Duplicates);
        Assert.Equal(3, Assert.Single(resent.Accepted).Sequence);
        Assert.Equal(new LogErasure(0, 0), await log.EraseCustomerAsync("nobody", T0, ct));
    }

    [Fact]
    public async Task Each_customer_gets_gap_free_sequence_numbers_and_the_log_a_growing_position()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await log.AppendAsync([Event("a1", "anna"), Event("b1", "ben"), Event("a2", "anna")], ct);
        var second = await log.AppendAsync([Event("a3", "anna")], ct);

        Assert.Equal([1L, 1L, 2L], first.Accepted.Select(a => a.Sequence));
        Assert.Equal(3, second.Accepted.Single().Sequence);
        var positions = first.Accepted.Concat(second.Accepted).Select(a => a.Position).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(4, positions.Distinct().Count());

        var anna = await log.ReadCustomerAsync("anna", afterSequence: 1, ct);
        Assert.Equal(["a2", "a3"], anna.Select(r => r.EventId));
        Assert.Equal("a3", InteractionJson.Deserialize(anna[^1].Payload).EventId);
    }

    [Fact]
    public async Task A_log_opened_again_numbers_a_customers_next_event_after_the_last_one_in_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await log.AppendAsync([Event("a1", "anna"), Event("a2", "anna"), Event("b1", "ben")], ct);
        await log.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        log = new SqliteInteractionLog(EmbeddedDatabases.In(directory.Path).Log, partitioner, TimeProvider.System);

        var next = await log.AppendAsync([Event("a3", "anna"), Event("a1", "anna"), Event("c1", "cleo")], ct);

        Assert.Equal([("a3", 3L), ("c1", 1L)], next.Accepted.Select(a => (a.EventId, a.Sequence)));
        Assert.Equal(["a1"], next.Duplicates);
    }

    [Fact]
    public async Task An_event_id_already_in_the_log_is_a_duplicate_and_not_appended_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await log.AppendAsync([Event("e1", "anna")], ct);
        var again = await log.AppendAsync([Event("e1", "anna"), Event("e2", "anna"), Event("e2", "anna")], ct);

        Assert.Equal(["e2"], again.Accepted.Select(a => a.EventId));
        Assert.Equal(["e1", "e2"], again.Duplicates);
        Assert.Equal([1L, 2L], (await log.ReadCustomerAsync("anna", 0, ct)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_partition_holds_exactly_the_customers_mapped_to_it_in_log_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var customers = Enumerable.Range(0, 40).Select(i => $"cust-{i}").ToList();
        await log.AppendAsync([.. customers.Select((c, i) => Event($"e{i}", c, i))], ct);

        var seen = new List<string>();
        for (var p = 0; p < partitioner.Partitions; p++)
        {
            var records = await log.ReadPartitionAsync(p, 0, 1000, ct);
            Assert.All(records, r => Assert.Equal(p, partitioner.PartitionOf(r.CustomerId)));
            Assert.Equal(records.Select(r => r.Position).Order(), records.Select(r => r.Position));
            seen.AddRange(records.Select(r => r.CustomerId));
        }
        Assert.Equal(customers.Order(), seen.Order());
        Assert.True(seen.Select(partitioner.PartitionOf).Distinct().Count() > 1, "40 customers should spread over several partitions");
    }

    [Fact]
    public async Task Concurrent_appends_are_all_durable_and_each_acknowledged_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var appends = Enumerable.Range(0, 200).Select(i => log.AppendAsync([Event($"c{i}", $"cust-{i % 7}")], ct));
        var results = await Task.WhenAll(appends);

        Assert.Equal(200, results.Sum(r => r.Accepted.Count));
        var stored = 0;
        for (var p = 0; p < partitioner.Partitions; p++)
        {
            stored += (await log.ReadPartitionAsync(p, 0, 1000, ct)).Count;
        }
        Assert.Equal(200, stored);
        for (var c = 0; c < 7; c++)
        {
            var sequences = (await log.ReadCustomerAsync($"cust-{c}", 0, ct)).Select(r => r.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        }
    }

    [Fact]
    public async Task A_checkpoint_only_moves_forward()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await log.ReadCheckpointAsync(2, ct));
        await log.WriteCheckpointAsync(2, 50, ct);
        await log.WriteCheckpointAsync(2, 20, ct);
        Assert.Equal(50, await log.ReadCheckpointAsync(2, ct));
    }

    [Fact]
    public async Task Migrating_again_applies_nothing_and_keeps_the_data()
    {
        var ct = TestContext.Current.CancellationToken;
        await log.AppendAsync([Event("e1", "anna")], ct);
        var databases = EmbeddedDatabases.In(directory.Path);
        Assert.Empty(await databases.Log.MigrateAsync(ct));
        Assert.Single(await log.ReadCustomerAsync("anna", 0, ct));
    }

    [Fact]
    public async Task An_unwritable_log_fails_the_append_with_log_unavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        // A directory where the database file should be: SQLite cannot open it.
        var blocked = Path.Combine(directory.Path, "blocked.db");
        Directory.CreateDirectory(blocked);
        await using var broken = new SqliteInteractionLog(new SqliteDatabase(blocked, "log"), partitioner, TimeProvider.System);

        var error = await Assert.ThrowsAsync<LogUnavailableException>(() => broken.AppendAsync([Event("e1", "anna")], ct));
        Assert.NotNull(error.InnerException);
        Assert.False(await broken.IsAvailableAsync(ct));
    }
}
