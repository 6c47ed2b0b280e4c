using System.Collections.Immutable;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>The customers of one E.164 number, stored with the grain snapshots so a lookup is one hop from memory.</summary>
internal sealed class PhoneDirectoryGrain(
    [PersistentState("phone", CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<PhoneEntry> entry)
    : Grain, IPhoneDirectoryGrain
{
    public Task<ImmutableArray<string>> GetCustomersAsync() => Task.FromResult(entry.State.CustomerIds.ToImmutableArray());

    public async Task LinkAsync(string customerId)
    {
        if (!entry.State.CustomerIds.Contains(customerId, StringComparer.Ordinal))
        {
            entry.State.CustomerIds.Add(customerId);
            await WriteAsync(() => entry.State.CustomerIds.Remove(customerId));
        }
    }

    public async Task UnlinkAsync(string customerId)
    {
        var index = entry.State.CustomerIds.FindIndex(c => string.Equals(c, customerId, StringComparison.Ordinal));
        if (index >= 0)
        {
            entry.State.CustomerIds.RemoveAt(index);
            await WriteAsync(() => entry.State.CustomerIds.Insert(index, customerId));
        }
    }

    /// <summary>Writes the change; on failure undoes it in memory so memory never claims what storage does not hold.</summary>
    private async Task WriteAsync(Action undo)
    {
        try
        {
            await entry.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }
}

/// <summary>The stored form of a directory entry.</summary>
internal sealed class PhoneEntry
{
    public List<string> CustomerIds { get; set; } = [];
}
