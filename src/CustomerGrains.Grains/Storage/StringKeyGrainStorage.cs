using Orleans.Storage;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Keeps string-keyed grains apart in ADO.NET grain storage. That provider first tries to read a grain
/// key as a GUID or as a hexadecimal integer, so the customer ids "c1", "C1" and "00c1" would all be
/// stored as the integer 0xC1: one row for three customers. Prefixing the key with a character that is
/// no hex digit makes every string key stored as the exact string it is.
/// With <paramref name="sqlite"/> (the embedded default, whose driver does its I/O synchronously) reads run on the SQLite
/// reader threads and writes on the file's writer thread, so a commit waiting for its fsync never blocks an Orleans
/// scheduler thread or a thread-pool thread, and writes take turns instead of colliding on SQLite's lock; state writes
/// are group-committed there (<see cref="SqliteGrainStateWriter"/>).
/// </summary>
internal sealed class StringKeyGrainStorage(IGrainStorage inner, SqliteDatabase? sqlite = null, SqliteGrainStateWriter? writer = null) : IGrainStorage
{
    private const string Prefix = "s:";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        sqlite is null
            ? inner.ReadStateAsync(stateName, Stored(grainId), grainState)
            : SqliteDatabase.Readers.RunAsync(() => inner.ReadStateAsync(stateName, Stored(grainId), grainState), CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        writer is not null && SqliteGrainStateWriter.Handles(stateName)
            ? writer.WriteAsync(stateName, Stored(grainId), grainState)
            : Write(() => inner.WriteStateAsync(stateName, Stored(grainId), grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Write(() => inner.ClearStateAsync(stateName, Stored(grainId), grainState));

    private Task Write(Func<Task> write) =>
        sqlite is null ? write() : sqlite.WhileWritingAsync(write, CancellationToken.None);

    internal static GrainId Stored(GrainId grainId) =>
        GrainId.Create(grainId.Type, IdSpan.Create(Prefix + grainId.Key.ToString()));
}
