using System.Data.Common;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Storage;
using Npgsql;

namespace CustomerGrains.Grains.Segments;

/// <summary>A saved segment as stored: its definition and when it was first and last saved.</summary>
public sealed record StoredSegment(string Name, SegmentDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Saved segments (deploy/sql/sqlite/log-006, postgres/log-005), shared by every silo.</summary>
public interface ISegmentStore
{
    Task<StoredSegment?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every saved segment, by name.</summary>
    Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Saves (creates or replaces) a segment at <paramref name="at"/>; returns it as stored.</summary>
    Task<StoredSegment> PutAsync(string name, SegmentDefinition definition, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes a segment; false when there was none of that name.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The segment statements and the stored form of a definition, one for both databases.</summary>
internal static class SegmentSql
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string Select = "SELECT name, filter, created_at, updated_at FROM customer_segments";

    public const string Put = """
        INSERT INTO customer_segments (name, filter, created_at, updated_at) VALUES (@name, @filter, @at, @at)
        ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at
        RETURNING name, filter, created_at, updated_at
        """;

    public const string Delete = "DELETE FROM customer_segments WHERE name = @name";

    public static string Write(SegmentDefinition definition) => JsonSerializer.Serialize(definition, Json);

    public static async Task<List<StoredSegment>> ReadAsync(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time, CancellationToken cancellationToken)
    {
        var segments = new List<StoredSegment>();
        while (await r.ReadAsync(cancellationToken))
        {
            segments.Add(new StoredSegment(
                r.GetString(0), JsonSerializer.Deserialize<SegmentDefinition>(r.GetString(1), Json)!, time(r, 2), time(r, 3)));
        }
        return segments;
    }
}

/// <summary>Saved segments in the embedded SQLite database.</summary>
public sealed class SqliteSegmentStore(EmbeddedDatabases databases) : ISegmentStore
{
    private readonly SqliteDatabase database = databases.ReadModel;

    private static DateTimeOffset Time(DbDataReader r, int i) => SqliteDatabase.ParseTime(r.GetString(i));

    public async Task<StoredSegment?> GetAsync(string name, CancellationToken cancellationToken) =>
        (await database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SegmentSql.Select + " WHERE name = @name";
            command.Parameters.AddWithValue("@name", name);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await SegmentSql.ReadAsync(r, Time, ct);
        }, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken) =>
        await database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SegmentSql.Select + " ORDER BY name";
            await using var r = await command.ExecuteReaderAsync(ct);
            return await SegmentSql.ReadAsync(r, Time, ct);
        }, cancellationToken);

    public Task<StoredSegment> PutAsync(string name, SegmentDefinition definition, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SegmentSql.Put;
            command.Parameters.AddWithValue("@name", name);
            command.Parameters.AddWithValue("@filter", SegmentSql.Write(definition));
            command.Parameters.AddWithValue("@at", SqliteDatabase.Time(at));
            await using var r = await command.ExecuteReaderAsync(ct);
            return (await SegmentSql.ReadAsync(r, Time, ct)).Single();
        }, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SegmentSql.Delete;
            command.Parameters.AddWithValue("@name", name);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
}

/// <summary>Saved segments in the cluster's PostgreSQL database: one copy every silo reads.</summary>
public sealed class PostgresSegmentStore(PostgresDatabase database) : ISegmentStore
{
    public async Task<StoredSegment?> GetAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync(SegmentSql.Select + " WHERE name = @name", c => c.Parameters.AddWithValue("name", name), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken) =>
        await QueryAsync(SegmentSql.Select + " ORDER BY name", _ => { }, cancellationToken);

    public async Task<StoredSegment> PutAsync(string name, SegmentDefinition definition, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await QueryAsync(SegmentSql.Put, c =>
        {
            c.Parameters.AddWithValue("name", name);
            c.Parameters.AddWithValue("filter", SegmentSql.Write(definition));
            c.Parameters.Add(PostgresValues.Time("at", at));
        }, cancellationToken)).Single();

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(SegmentSql.Delete, connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<List<StoredSegment>> QueryAsync(string text, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(text, connection);
        bind(command);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await SegmentSql.ReadAsync(r, PostgresValues.Time, cancellationToken);
    }
}
