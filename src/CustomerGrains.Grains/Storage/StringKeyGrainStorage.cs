using Orleans.Storage;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Keeps string-keyed grains apart in ADO.NET grain storage. That provider first tries to read a grain
/// key as a GUID or as a hexadecimal integer, so the customer ids "c1", "C1" and "00c1" would all be
/// stored as the integer 0xC1: one row for three customers. Prefixing the key with a character that is
/// no hex digit makes every string key stored as the exact string it is.
/// </summary>
internal sealed class StringKeyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private const string Prefix = "s:";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, Stored(grainId), grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(stateName, Stored(grainId), grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, Stored(grainId), grainState);

    internal static GrainId Stored(GrainId grainId) =>
        GrainId.Create(grainId.Type, IdSpan.Create(Prefix + grainId.Key.ToString()));
}
