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

    /// <summary>The wire name of <paramref name="value"/>; the names of defined values are converted once per type.</summary>
    public static string Of<T>(T value) where T : struct, Enum =>
        Names<T>.Defined.TryGetValue(value, out var name) ? name : Convert(value);

    private static string Convert<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>The wire names of a type's defined values, built on first use and read-only afterwards.</summary>
    private static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Defined = Build();

        private static Dictionary<T, string> Build()
        {
            var names = new Dictionary<T, string>();
            foreach (var value in Enum.GetValues<T>())
            {
                names.TryAdd(value, Convert(value));
            }
            return names;
        }
    }

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
