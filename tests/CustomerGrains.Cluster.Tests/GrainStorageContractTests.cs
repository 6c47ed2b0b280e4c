using System.Data;
using CustomerGrains.Grains.Storage;
using Npgsql;

namespace CustomerGrains.Cluster.Tests;

/// <summary>
/// Our PostgreSQL statements for Orleans' ADO.NET grain storage, run as the provider runs them: read from
/// OrleansQuery by key, with the parameters it binds and their types.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class GrainStorageContractTests(PostgresServer server)
{
    [Fact]
    public async Task Racing_first_writes_leave_one_row_and_later_writes_need_the_current_version()
    {
        var cs = await server.NewDatabaseAsync();
        await using var database = new PostgresDatabase(cs);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        var write = await QueryAsync(database, "WriteToStorageKey");

        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => WriteAsync(database, write, expected: null)));
        Assert.Single(first, version => version == 1);
        Assert.Equal(7, first.Count(version => version is null));

        Assert.Equal(2, await WriteAsync(database, write, expected: 1));
        Assert.Null(await WriteAsync(database, write, expected: 1));
        Assert.Equal(3, await WriteAsync(database, write, expected: 2));

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var count = new NpgsqlCommand("SELECT count(*), max(Version) FROM OrleansStorage", connection);
        await using var reader = await count.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.Equal(3, reader.GetInt32(1));
    }

    private static async Task<string> QueryAsync(PostgresDatabase database, string key)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int?> WriteAsync(PostgresDatabase database, string sql, int? expected)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        void Add(string name, object? value, DbType type) =>
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        Add("GrainIdHash", 42, DbType.Int32);
        Add("GrainIdN0", 0L, DbType.Int64);
        Add("GrainIdN1", 0L, DbType.Int64);
        Add("GrainTypeHash", 7, DbType.Int32);
        Add("GrainTypeString", "customer", DbType.String);
        Add("GrainIdExtensionString", "s:c-1", DbType.String);
        Add("ServiceId", "customergrains", DbType.String);
        Add("GrainStateVersion", expected, DbType.Int32);
        Add("PayloadBinary", "{}"u8.ToArray(), DbType.Binary);
        return await command.ExecuteScalarAsync() is int version ? version : null;
    }
}
