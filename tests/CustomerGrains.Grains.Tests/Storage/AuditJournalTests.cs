using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.ScreenPop;
using CustomerGrains.Testing;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Tests.Storage;

public sealed class AuditJournalTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 30, 0, TimeSpan.Zero);

    private static AuditEntry Look(string customer, string? detail = null) => new(0, At, "agent1", "agent", customer, "screenpop", detail);

    private static void Ignore(IReadOnlyList<AuditEntry> group)
    {
    }

    [Fact]
    public async Task Appended_entries_get_increasing_numbers_and_are_read_back_after_a_restart()
    {
        using var data = new TempDirectory("journal");
        AuditEntry[] first, second;
        using (var journal = AuditJournal.Open(data.Path, 0, out var nothing, Ignore))
        {
            Assert.Empty(nothing);
            var appends = new[] { journal.AppendAsync([Look("c-1"), Look("c-2", "+44 20 7946 0000")]), journal.AppendAsync([Look("c-3")]) };
            var numbered = await Task.WhenAll(appends);
            (first, second) = (numbered[0], numbered[1]);
        }

        Assert.Equal([1L, 2L, 3L], first.Concat(second).Select(e => e.Id).Order());
        using var reopened = AuditJournal.Open(data.Path, 0, out var recovered, Ignore);
        Assert.Equal(first.Concat(second).OrderBy(e => e.Id), recovered);
        Assert.Equal(3, reopened.LastSequence);
        var next = await reopened.AppendAsync([Look("c-4")]);
        Assert.Equal(4, Assert.Single(next).Id);
    }

    /// <summary>What a crash can leave after the last whole record of a file.</summary>
    public enum CrashTail
    {
        /// <summary>A group's write that reached the disk in part: its header and part of its payload.</summary>
        RecordCutShort,

        /// <summary>The space reserved for the file's later records, still zeros.</summary>
        ReservedSpace,
    }

    [Theory]
    [InlineData(CrashTail.RecordCutShort)]
    [InlineData(CrashTail.ReservedSpace)]
    public async Task What_a_crash_leaves_after_the_last_whole_record_is_cut_and_the_journal_goes_on_after_it(CrashTail tail)
    {
        using var data = new TempDirectory("journal");
        using (var journal = AuditJournal.Open(data.Path, 0, out _, Ignore))
        {
            await journal.AppendAsync([Look("c-1")]);
            await journal.AppendAsync([Look("c-2")]);
        }
        var file = Assert.Single(Directory.GetFiles(data.Path));
        var whole = File.ReadAllBytes(file);
        var secondRecord = whole.AsSpan(whole.Length / 2);
        File.WriteAllBytes(file, tail == CrashTail.RecordCutShort
            ? [.. whole, .. secondRecord[..(secondRecord.Length / 2)]]
            : [.. whole, .. new byte[64 * 1024]]);

        using (var journal = AuditJournal.Open(data.Path, 0, out var recovered, Ignore))
        {
            Assert.Equal(["c-1", "c-2"], recovered.Select(e => e.CustomerId));
            Assert.Equal(whole.Length, new FileInfo(file).Length);
            Assert.Equal(3, Assert.Single(await journal.AppendAsync([Look("c-3")])).Id);
        }
        using var again = AuditJournal.Open(data.Path, 0, out var all, Ignore);
        Assert.Equal(["c-1", "c-2", "c-3"], all.Select(e => e.CustomerId));
    }

    [Fact]
    public async Task A_damaged_record_ends_what_is_read_back()
    {
        using var data = new TempDirectory("journal");
        using (var journal = AuditJournal.Open(data.Path, 0, out _, Ignore))
        {
            await journal.AppendAsync([Look("c-1")]);
            await journal.AppendAsync([Look("c-2")]);
        }
        var file = Assert.Single(Directory.GetFiles(data.Path));
        var bytes = File.ReadAllBytes(file);
        bytes[^3] ^= 0x20;
        File.WriteAllBytes(file, bytes);

        using var reopened = AuditJournal.Open(data.Path, 0, out var recovered, Ignore);
        Assert.Equal("c-1", Assert.Single(recovered).CustomerId);
    }

    [Fact]
    public async Task Files_whose_entries_are_released_are_deleted_and_released_entries_are_not_recovered()
    {
        using var data = new TempDirectory("journal");
        var groups = new List<IReadOnlyList<AuditEntry>>();
        using (var journal = AuditJournal.Open(data.Path, 0, out _, g => groups.Add(g), segmentBytes: 200))
        {
            for (var i = 1; i <= 6; i++)
            {
                await journal.AppendAsync([Look($"c-{i}")]);
            }
            Assert.Equal(6, groups.Sum(g => g.Count));
            var files = Directory.GetFiles(data.Path).Length;
            Assert.True(files > 2, $"the journal rolled to new files at 200 bytes ({files} files)");

            journal.Release(4);
            Assert.True(Directory.GetFiles(data.Path).Length < files, "files holding only released entries are deleted");
        }
        using var reopened = AuditJournal.Open(data.Path, 4, out var recovered, Ignore);
        Assert.Equal(["c-5", "c-6"], recovered.Select(e => e.CustomerId));
        Assert.Equal(6, reopened.LastSequence);
    }

    [Fact]
    public async Task Entries_in_the_journal_but_not_yet_in_the_table_reach_the_table_at_the_next_start()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("audit");
        var databases = EmbeddedDatabases.In(data.Path);
        await databases.Log.MigrateAsync(ct);
        await using (var audit = new SqliteAuditTrail(databases))
        {
            await audit.AppendAsync([Look("c-1")], ct);
            Assert.Single(await audit.ReadAsync("c-1", null, 10, ct));
        }
        // What a crash leaves: entries made durable in the journal by a process that never copied them to the table.
        var directory = new SqliteAuditTrail(databases).JournalDirectory;
        using (var crashed = AuditJournal.Open(directory, 1, out _, Ignore))
        {
            await crashed.AppendAsync([Look("c-2"), Look("c-1", "second look")]);
        }

        await using var restarted = new SqliteAuditTrail(databases);
        var read = await restarted.ReadAsync("c-1", null, 10, ct);
        Assert.Equal([(3L, "second look"), (1L, (string?)null)], read.Select(e => (e.Id, e.Detail)));
        Assert.Equal("c-2", Assert.Single(await restarted.ReadAsync("c-2", null, 10, ct)).CustomerId);
        SqliteConnection.ClearAllPools();
    }
}
