using CustomerGrains.Grains.Storage;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Storage;

/// <summary>The SQLite write statement for Orleans' ADO.NET grain storage, run as the provider runs it.</summary>
public sealed class SqliteGrainStorageScriptTests
{
    [Fact]
    public async Task A_snapshot_is_written_again_at_its_current_version_and_refused_at_a_stale_one()
    {
        using var scratch = new TempDirectory("grains-script");
        var database = new SqliteDatabase(Path.Combine(scratch.Path, "grains.db"), "grains");
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        string sql;
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'";
            sql = (string)(await query.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        async Task<long?> WriteAsync(int? expected)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@GrainIdHash", 42);
            command.Parameters.AddWithValue("@GrainIdN0", 0L);
            command.Parameters.AddWithValue("@GrainIdN1", 0L);
            command.Parameters.AddWithValue("@GrainTypeHash", 7);
            command.Parameters.AddWithValue("@GrainTypeString", "customer");
            command.Parameters.AddWithValue("@GrainIdExtensionString", "s:c-1");
            command.Parameters.AddWithValue("@ServiceId", "customergrains");
            command.Parameters.AddWithValue("@GrainStateVersion", expected is null ? DBNull.Value : expected.Value);
            command.Parameters.AddWithValue("@PayloadBinary", "{}"u8.ToArray());
            return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) as long?;
        }

        Assert.Equal(1, await WriteAsync(null));
        Assert.Null(await WriteAsync(null));
        Assert.Equal(2, await WriteAsync(1));
        Assert.Null(await WriteAsync(1));
        Assert.Equal(3, await WriteAsync(2));
    }
}
