using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// Keeps the phone directory in step with one customer's phones: links new numbers, unlinks dropped ones. A number is
/// recorded as linked only after the directory holds it (and forgotten only after it was unlinked), and the record is
/// saved with the snapshot, so a failure or crash in between is repaired by the next event, timer or activation.
/// It also answers whether the customer's profile lists a number (in E.164), which the screen-pop asks on every call.
/// </summary>
internal sealed class PhoneLinks(PhoneNumberNormalizer phoneNumbers, IEnumerable<string> linked)
{
    private readonly List<string> linked = [.. linked];
    private object? syncedFor;
    private object? normalizedFor;
    private string[] wanted = [];

    /// <summary>The numbers the directory holds for this customer (what the snapshot stores).</summary>
    public IReadOnlyList<string> Linked => linked;

    /// <summary>Whether the last sync failed, so that it must be tried again.</summary>
    public bool Failed { get; private set; }

    /// <summary>Whether <paramref name="e164"/> is one of <paramref name="phones"/> (the customer's current phones).</summary>
    public bool Lists(List<string>? phones, string e164) => Array.IndexOf(Wanted(phones), e164) >= 0;

    /// <summary>Links and unlinks until the directory matches <paramref name="phones"/>; returns how many records changed.</summary>
    public async Task<int> SyncAsync(IGrainFactory grains, string customerId, List<string>? phones)
    {
        if (syncedFor is not null && ReferenceEquals(syncedFor, phones ?? (object)linked))
        {
            return 0;
        }
        var numbers = Wanted(phones);
        var changes = 0;
        try
        {
            foreach (var number in numbers.Except(linked, StringComparer.Ordinal).ToList())
            {
                await grains.PageFor(number).LinkAsync(number, customerId);
                linked.Add(number);
                changes++;
            }
            foreach (var number in linked.Except(numbers, StringComparer.Ordinal).ToList())
            {
                await grains.PageFor(number).UnlinkAsync(number, customerId);
                linked.Remove(number);
                changes++;
            }
            syncedFor = phones ?? (object)linked;
            Failed = false;
        }
        catch
        {
            Failed = true;
            throw;
        }
        return changes;
    }

    /// <summary>The distinct E.164 forms of <paramref name="phones"/>, normalised once per list of phones.</summary>
    private string[] Wanted(List<string>? phones)
    {
        if (!ReferenceEquals(normalizedFor, phones))
        {
            wanted = phones is null ? [] : [.. phones.Select(p => phoneNumbers.Normalize(p).E164).OfType<string>().Distinct(StringComparer.Ordinal)];
            normalizedFor = phones;
        }
        return wanted;
    }
}
