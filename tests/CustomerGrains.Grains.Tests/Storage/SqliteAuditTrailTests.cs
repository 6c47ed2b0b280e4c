using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.ScreenPop;
using CustomerGrains.Testing;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Tests.Storage;

public sealed class SqliteAuditTrailTests
{
    [Fact]
    public async Task The_embedded_audit_trail_keeps_what_it_was_given_and_refuses_to_change_or_remove_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("audit");
        var databases = EmbeddedDatabases.In(data.Path);
        await databases.Log.MigrateAsync(ct);
        await using var audit = new SqliteAuditTrail(databases);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        await audit.AppendAsync([new AuditEntry(0, at, "super1", "supervisor", "c-1", "snapshot", null)], ct);
        var kept = Assert.Single(await audit.ReadAsync("c-1", null, 10, ct));
        Assert.Equal(("super1", "snapshot"), (kept.Actor, kept.Path));

        await AssertRefusedAsync(databases, "append-only", "UPDATE audit_trail SET actor = 'nobody'", "DELETE FROM audit_trail");
        Assert.Equal(kept, Assert.Single(await audit.ReadAsync("c-1", null, 10, ct)));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task An_erasure_replaces_the_details_of_the_customers_entries_and_nothing_else_can_change_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("audit-erase");
        var databases = EmbeddedDatabases.In(data.Path);
        await databases.Log.MigrateAsync(ct);
        await using var audit = new SqliteAuditTrail(databases);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        await audit.AppendAsync([
            new AuditEntry(0, at, "agent1", "agent", "c-1", "screenpop", "ani +16465550100"),
            new AuditEntry(0, at, "agent1", "agent", "c-2", "screenpop", "ani +16465550199"),
        ], ct);
        // A read waits until the journal's entries are in the table, where the triggers guard them.
        Assert.Equal(2, (await audit.ReadAsync(null, null, 10, ct)).Count);

        await AssertRefusedAsync(databases, "only a detail can be erased",
            "UPDATE audit_trail SET detail = 'forged'", "UPDATE audit_trail SET detail = '[erased]', actor = 'nobody'");
        Assert.Equal(1, await audit.EraseDetailsAsync("c-1", ct));
        Assert.Equal(0, await audit.EraseDetailsAsync("c-1", ct));
        var erased = Assert.Single(await audit.ReadAsync("c-1", null, 10, ct));
        Assert.Equal(("agent1", "screenpop", at, AuditEntry.ErasedDetail), (erased.Actor, erased.Path, erased.At, erased.Detail));
        Assert.Equal("ani +16465550199", Assert.Single(await audit.ReadAsync("c-2", null, 10, ct)).Detail);
        // Nor does the trail's journal keep the erased detail in any of its files.
        Assert.DoesNotContain(Directory.EnumerateFiles(audit.JournalDirectory),
            file => System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)).Contains("+16465550100", StringComparison.Ordinal));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Retention_erases_the_details_of_entries_older_than_the_cut_off_in_the_table_and_the_journal_and_keeps_newer_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("audit-retention");
        var databases = EmbeddedDatabases.In(data.Path);
        await databases.Log.MigrateAsync(ct);
        await using var audit = new SqliteAuditTrail(databases);
        var cutoff = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        await audit.AppendAsync([
            new AuditEntry(0, cutoff.AddDays(-2), "agent1", "agent", "c-1", "screenpop", "ani +16465550300"),
            new AuditEntry(0, cutoff.AddDays(-1), "agent1", "agent", "c-2", "screenpop", "ani +16465550301"),
            new AuditEntry(0, cutoff, "agent1", "agent", "c-1", "screenpop", "ani +16465550302"),
        ], ct);

        Assert.Equal(new AgedDetails(2, cutoff.AddDays(-2)), await audit.CountDetailsBeforeAsync(cutoff, ct));
        Assert.Equal(2, await audit.EraseDetailsBeforeAsync(cutoff, ct));
        Assert.Equal(0, await audit.EraseDetailsBeforeAsync(cutoff, ct));
        Assert.Equal(new AgedDetails(0, null), await audit.CountDetailsBeforeAsync(cutoff, ct));

        var entries = await audit.ReadAsync(null, null, 10, ct);
        Assert.Equal([AuditEntry.ErasedDetail, AuditEntry.ErasedDetail, "ani +16465550302"], entries.OrderBy(e => e.At).Select(e => e.Detail));
        Assert.DoesNotContain(Directory.EnumerateFiles(audit.JournalDirectory), file =>
            System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)) is var text
            && (text.Contains("+16465550300", StringComparison.Ordinal) || text.Contains("+16465550301", StringComparison.Ordinal)));
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Runs each statement on the trail's file and checks it is refused with <paramref name="message"/>.</summary>
    private static async Task AssertRefusedAsync(EmbeddedDatabases databases, string message, params string[] changes)
    {
        foreach (var change in changes)
        {
            var refused = await Assert.ThrowsAsync<SqliteException>(() => databases.Log.WriteAsync(async (connection, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = change;
                return await command.ExecuteNonQueryAsync(token);
            }, TestContext.Current.CancellationToken));
            Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        }
    }
}
