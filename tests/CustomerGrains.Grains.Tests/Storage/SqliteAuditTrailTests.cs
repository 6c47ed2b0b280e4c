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

        foreach (var change in new[] { "UPDATE audit_trail SET actor = 'nobody'", "DELETE FROM audit_trail" })
        {
            var refused = await Assert.ThrowsAsync<SqliteException>(() => databases.Log.WriteAsync(async (connection, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = change;
                return await command.ExecuteNonQueryAsync(token);
            }, ct));
            Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        }
        Assert.Equal(kept, Assert.Single(await audit.ReadAsync("c-1", null, 10, ct)));
        SqliteConnection.ClearAllPools();
    }
}
