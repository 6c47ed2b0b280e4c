using System.Collections.Concurrent;
using System.Text.Json;

namespace CustomerGrains.Domain.Events;

/// <summary>
/// Wire names of enum values: camelCase (<c>webVisit</c>); reading also accepts snake_case
/// (<c>web_visit</c>, as the domain texts write them) and any letter case.
/// </summary>
public static class EnumNames
{
    private static readonly ConcurrentDictionary<Type, string> Lists = new();

    public static string Of<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        var normalized = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        // Enum.TryParse also accepts numbers, which are not wire names.
        if (normalized.Length > 0 && char.IsLetter(normalized[0]) && Enum.TryParse(normalized, ignoreCase: true, out value))
        {
            return true;
        }
        value = default;
        return false;
    }

    public static string List<T>() where T : struct, Enum =>
        Lists.GetOrAdd(typeof(T), _ => string.Join(", ", Enum.GetValues<T>().Select(v => Of(v))));
}
