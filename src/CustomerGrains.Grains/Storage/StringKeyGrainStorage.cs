using Orleans.Storage;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Keeps string-keyed grains apart in ADO.NET grain storage. That provider first tries to read a grain
/// key as a GUID or as a hexadecimal integer, so the customer ids "c1", "C1" and "00c1" would all be
/// stored as the integer 0xC1: one row for three customers. Prefixing the key with a character that is
/// no hex digit makes every string key stored as the exact string it is.
/// With <paramref name="sqlite"/> (the embedded default, whose driver does its I/O synchronously) each call runs on
/// the thread pool, so a commit waiting for its fsync never blocks an Orleans scheduler thread (on a small machine a
/// few blocked turns would stall every grain of the silo), and writes take turns through the file's write gate
/// instead of colliding on SQLite's lock.
/// </summary>
internal sealed class StringKeyGrainStorage(IGrainStorage inner, SqliteDatabase? sqlite = null) : IGrainStorage
{
    private const string Prefix = "s:";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        sqlite is null
            ? inner.ReadStateAsync(stateName, Stored(grainId), grainState)
            : Task.Run(() => inner.ReadStateAsync(stateName, Stored(grainId), grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Write(() => inner.WriteStateAsync(stateName, Stored(grainId), grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Write(() => inner.ClearStateAsync(stateName, Stored(grainId), grainState));

    private Task Write(Func<Task> write) =>
        sqlite is null ? write() : Task.Run(() => sqlite.WhileWritingAsync(write, CancellationToken.None));

    internal static GrainId Stored(GrainId grainId) =>
        GrainId.Create(grainId.Type, IdSpan.Create(Prefix + grainId.Key.ToString()));
}
