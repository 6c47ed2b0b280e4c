namespace CustomerGrains.Domain;

/// <summary>
/// Hashes of strings that are the same on every machine, process and version (unlike <see cref="string.GetHashCode()"/>),
/// for decisions that must not move: which phone-book page holds a number, which customers are held out, when a
/// customer's periodic review falls.
/// </summary>
public static class StableHash
{
    /// <summary>FNV-1a (32 bits) over the UTF-16 code units of <paramref name="value"/>.</summary>
    public static uint Fnv1a(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    /// <summary>
    /// <see cref="Fnv1a"/> with a final bit mix (MurmurHash3's), so that ids that differ only in their last characters
    /// (sequential ids) spread over the whole range, not only over its low bits.
    /// </summary>
    public static uint Mixed(string value)
    {
        var hash = Fnv1a(value);
        hash = (hash ^ (hash >> 16)) * 0x85ebca6bu;
        hash = (hash ^ (hash >> 13)) * 0xc2b2ae35u;
        return hash ^ (hash >> 16);
    }
}
