using System.Collections.Immutable;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>
/// One page of the phone book, stored with the grain snapshots so a lookup is one hop from memory. A change is written
/// before it is acknowledged; a write that fails is undone in memory, so memory never claims what storage does not hold.
/// </summary>
internal sealed class PhoneBookGrain(
    [PersistentState("phonebook", CustomerGrainsSiloBuilderExtensions.CustomerStorage)] IPersistentState<PhoneBookPage> page)
    : Grain, IPhoneBookGrain
{
    public Task<ImmutableArray<string>> GetCustomersAsync(string e164) =>
        Task.FromResult(page.State.Numbers.TryGetValue(e164, out var customers) ? customers.ToImmutableArray() : []);

    public async Task LinkAsync(string e164, string customerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var numbers = page.State.Numbers;
        if (!numbers.TryGetValue(e164, out var customers))
        {
            numbers[e164] = [customerId];
            await WriteAsync(() => numbers.Remove(e164));
        }
        else if (!customers.Contains(customerId, StringComparer.Ordinal))
        {
            customers.Add(customerId);
            await WriteAsync(() => customers.Remove(customerId));
        }
    }

    public async Task UnlinkAsync(string e164, string customerId)
    {
        var numbers = page.State.Numbers;
        if (!numbers.TryGetValue(e164, out var customers))
        {
            return;
        }
        var index = customers.FindIndex(c => string.Equals(c, customerId, StringComparison.Ordinal));
        if (index < 0)
        {
            return;
        }
        customers.RemoveAt(index);
        // A number nobody uses any more leaves the page.
        var emptied = customers.Count == 0 && numbers.Remove(e164);
        await WriteAsync(() =>
        {
            customers.Insert(index, customerId);
            if (emptied)
            {
                numbers[e164] = customers;
            }
        });
    }

    private async Task WriteAsync(Action undo)
    {
        try
        {
            await page.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }
}

/// <summary>The stored form of a page: each number with its customers.</summary>
internal sealed class PhoneBookPage
{
    public Dictionary<string, List<string>> Numbers { get; set; } = new(StringComparer.Ordinal);
}
