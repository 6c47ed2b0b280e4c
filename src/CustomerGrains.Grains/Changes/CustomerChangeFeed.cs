using System.Globalization;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Storage;
using Npgsql;

namespace CustomerGrains.Grains.Changes;

/// <summary>The stored change feed (deploy/sql/sqlite/log-009, postgres/log-007): changes are written with the rows and alerts they come from.</summary>
public interface ICustomerChangeStore
{
    /// <summary>The changes after <paramref name="after"/>, in position order, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<CustomerChange>> ReadAsync(long after, int maxCount, CancellationToken cancellationToken);

    /// <summary>The position of the newest change, or 0 when there is none.</summary>
    Task<long> LastPositionAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The one door to the change feed, for the HTTP API and the typed client alike: validates the request (every problem
/// named, nothing read), reads the page after a position and, when asked to, waits up to <c>wait</c> for a change
/// (long poll). Who may read, and the audit trail, stay with the caller.
/// </summary>
public sealed class CustomerChangeFeed(ICustomerChangeStore store, TimeProvider time)
{
    /// <summary>
    /// How often a waiting read looks again. Changes are written by whichever silo hosts the customer, so a read on this
    /// silo cannot be told of them in-process; a read of an index costs little next to the wait it saves the caller.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The changes after <paramref name="after"/>, waiting up to <paramref name="waitSeconds"/> for the first, or every problem of the request.</summary>
    public async Task<ChangePageAnswer> ReadAsync(long after, int? limit, int? waitSeconds, CancellationToken cancellationToken)
    {
        var problems = ChangeFeedLimits.Problems(after, limit, waitSeconds);
        if (problems.Count > 0)
        {
            return new ChangePageAnswer { Problems = [.. problems] };
        }
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(waitSeconds ?? 0);
        var changes = await store.ReadAsync(after, limit ?? ChangeFeedLimits.DefaultLimit, cancellationToken);
        while (changes.Count == 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            changes = await store.ReadAsync(after, limit ?? ChangeFeedLimits.DefaultLimit, cancellationToken);
        }
        return new ChangePageAnswer
        {
            Page = new ChangePage { Changes = [.. changes], Next = changes.Count > 0 ? changes[^1].Position : after },
        };
    }
}

/// <summary>The change feed in the embedded SQLite database.</summary>
public sealed class SqliteChangeStore(EmbeddedDatabases databases) : ICustomerChangeStore
{
    private readonly SqliteDatabase database = databases.ReadModel;

    public Task<IReadOnlyList<CustomerChange>> ReadAsync(long after, int maxCount, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ReadModelChanges.Page;
            command.Parameters.AddWithValue("@after", after);
            command.Parameters.AddWithValue("@limit", maxCount);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await ReadModelChanges.ReadPageAsync(r, (reader, i) => SqliteDatabase.ParseTime(reader.GetString(i)), ct);
        }, cancellationToken);

    public Task<long> LastPositionAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ReadModelChanges.LastPosition;
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, cancellationToken);
}

/// <summary>
/// The change feed in the cluster's PostgreSQL database. Positions become visible in order (writers take turns on a
/// lock held to their commit, see postgres/log-007), so reading "position &gt; after" never passes over a change that
/// commits later.
/// </summary>
public sealed class PostgresChangeStore(PostgresDatabase database) : ICustomerChangeStore
{
    public async Task<IReadOnlyList<CustomerChange>> ReadAsync(long after, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(ReadModelChanges.Page, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", maxCount);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadModelChanges.ReadPageAsync(r, PostgresValues.Time, cancellationToken);
    }

    public async Task<long> LastPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(ReadModelChanges.LastPosition, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
