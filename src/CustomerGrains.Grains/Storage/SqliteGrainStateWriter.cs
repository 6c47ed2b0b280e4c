using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using CustomerGrains.Grains.Log;
using Orleans.Storage;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Writes grain state to the embedded default's grain file in groups: the writes waiting while the previous group
/// commits go together in one transaction, so a burst of snapshot and phone-directory writes costs one fsync per group
/// instead of one per grain. Each write keeps its own outcome (a new version, or a version conflict) and completes only
/// once its group is durable. It writes the rows Orleans' ADO.NET provider reads (the same table, key columns and
/// statement, <c>WriteToStorageKey</c> of the schema scripts), so reads and clears stay with that provider.
/// If a group fails, every write of it fails and nothing of it was written.
/// </summary>
internal sealed class SqliteGrainStateWriter : IAsyncDisposable
{
    private static readonly OrleansDefaultHasher Hasher = new();

    private readonly SqliteDatabase database;
    private readonly string serviceId;
    private readonly IGrainStorageSerializer serializer;
    private readonly GroupCommitter<Write, int?> committer;
    private string? statement;

    public SqliteGrainStateWriter(SqliteDatabase database, string serviceId, IGrainStorageSerializer serializer)
    {
        this.database = database;
        this.serviceId = serviceId;
        this.serializer = serializer;
        committer = new GroupCommitter<Write, int?>(WriteGroupAsync);
    }

    /// <summary>
    /// Whether writes of <paramref name="stateName"/> can go through this writer: the provider stores a state name with
    /// generic arguments in a reduced form, which this writer does not reproduce.
    /// </summary>
    public static bool Handles(string stateName) => !stateName.Contains('`', StringComparison.Ordinal);

    /// <summary>
    /// Writes the state of a grain whose stored id is <paramref name="stored"/> (a string key, as
    /// <see cref="StringKeyGrainStorage"/> stores every grain) if its version is still <see cref="IGrainState{T}.ETag"/>,
    /// and sets the new version. Throws <see cref="InconsistentStateException"/> when another write came first.
    /// </summary>
    public async Task WriteAsync<T>(string stateName, GrainId stored, IGrainState<T> grainState)
    {
        var key = stored.Key.ToString()!;
        var expected = string.IsNullOrWhiteSpace(grainState.ETag) ? (int?)null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var write = new Write(stateName, key, expected, serializer.Serialize(grainState.State).ToArray());
        var version = await committer.SubmitAsync(write, CancellationToken.None);
        if (version is null)
        {
            throw new InconsistentStateException(
                $"Version conflict (WriteState): ServiceId={serviceId} GrainType={stateName} GrainId={key} ETag={grainState.ETag}.");
        }
        grainState.ETag = version.Value.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    private Task<IReadOnlyList<int?>> WriteGroupAsync(IReadOnlyList<Write> group, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            statement ??= await ReadStatementAsync(connection, ct);
            // IMMEDIATE: the write lock up front, so the group never fails half-way on a lock upgrade.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            var p = command.Parameters;
            foreach (var name in (string[])["@ServiceId", "@GrainTypeString", "@GrainIdN0", "@GrainIdN1", "@GrainIdExtensionString",
                "@GrainIdHash", "@GrainTypeHash", "@PayloadBinary", "@GrainStateVersion"])
            {
                p.Add(new SqliteParameter(name, null));
            }
            p[0].Value = serviceId;
            // A string key: the provider stores it whole as the extension string, with zero numeric parts.
            p[2].Value = 0L;
            p[3].Value = 0L;
            var versions = new List<int?>(group.Count);
            foreach (var write in group)
            {
                p[1].Value = write.StateName;
                p[4].Value = write.Key;
                p[5].Value = KeyHash(write.Key);
                p[6].Value = Hasher.Hash(Encoding.UTF8.GetBytes(write.StateName));
                p[7].Value = write.Payload;
                p[8].Value = (object?)write.ExpectedVersion ?? DBNull.Value;
                versions.Add(await command.ExecuteScalarAsync(ct) is long version ? (int)version : null);
            }
            await transaction.CommitAsync(ct);
            return (IReadOnlyList<int?>)versions;
        }, cancellationToken);

    /// <summary>The hash the provider stores for a string key: of its UTF-8 bytes in reverse order.</summary>
    private static int KeyHash(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        Array.Reverse(bytes);
        return Hasher.Hash(bytes);
    }

    private static async Task<string> ReadStatementAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'";
        return await command.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException($"The grain file {connection.DataSource} has no WriteToStorageKey statement; its schema scripts were not applied.");
    }

    public ValueTask DisposeAsync() => committer.DisposeAsync();

    private sealed record Write(string StateName, string Key, int? ExpectedVersion, byte[] Payload);
}
