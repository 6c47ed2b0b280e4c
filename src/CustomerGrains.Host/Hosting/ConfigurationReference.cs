using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Hosting;

/// <summary>
/// The configuration reference of the README: one row per key of every bound options class (<see cref="BoundOptions"/>,
/// registered by <see cref="ValidatedOptionsExtensions.AddValidatedOptions{T}(IServiceCollection, IConfiguration, string)"/>),
/// with its default (read from a new instance) and its meaning (the property's XML summary). Made from the classes so
/// that it cannot drift from them; a test compares it with the README.
/// </summary>
public static partial class ConfigurationReference
{
    public const string Begin = "<!-- configuration reference: generated from the options classes, do not edit by hand -->";
    public const string End = "<!-- end of configuration reference -->";

    /// <summary>The table, sections in order of their names.</summary>
    public static string Render(IEnumerable<BoundOptions> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var docs = new Dictionary<Assembly, Dictionary<string, string>>();
        var text = new StringBuilder();
        text.Append("| Key | Default | Meaning |\n|---|---|---|\n");
        foreach (var bound in sections.DistinctBy(b => b.Section).OrderBy(b => b.Section, StringComparer.Ordinal))
        {
            Rows(text, bound.Section, bound.Type, Activator.CreateInstance(bound.Type), docs, depth: 0);
        }
        return text.ToString();
    }

    /// <summary>The README with its reference section replaced by <paramref name="table"/>.</summary>
    public static string ReplaceIn(string readme, string table)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"The README has no configuration reference between '{Begin}' and '{End}'.");
        }
        return string.Concat(readme.AsSpan(0, begin + Begin.Length), "\n", table, readme.AsSpan(end));
    }

    private static void Rows(StringBuilder text, string prefix, Type type, object? instance, Dictionary<Assembly, Dictionary<string, string>> docs, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true && p.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{property.Name}";
            var value = instance is null ? null : property.GetValue(instance);
            if (MapValueType(property.PropertyType) is { } valueType)
            {
                if (IsSection(valueType) && depth < 3)
                {
                    Rows(text, $"{key}:{{name}}", valueType, null, docs, depth + 1);
                }
                else
                {
                    Row(text, $"{key}:{{name}}", "", Summary(property, docs));
                }
            }
            else if (IsSection(property.PropertyType) && depth < 3)
            {
                Rows(text, key, property.PropertyType, value, docs, depth + 1);
            }
            else
            {
                Row(text, key, instance is null ? "" : Format(value), Summary(property, docs));
            }
        }
    }

    private static void Row(StringBuilder text, string key, string value, string meaning) =>
        text.Append(CultureInfo.InvariantCulture, $"| `{key}` | {(value.Length == 0 ? "" : $"`{value}`")} | {meaning.Replace("|", "\\|", StringComparison.Ordinal)} |\n");

    /// <summary>A class of our own with settable members: its keys are a sub-section.</summary>
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("CustomerGrains", StringComparison.Ordinal) == true
        && type.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>The value type of a dictionary keyed by name (its keys are a sub-section per name), else null.</summary>
    private static Type? MapValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var generic
        && (generic == typeof(Dictionary<,>) || generic == typeof(IDictionary<,>) || generic == typeof(IReadOnlyDictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => string.Join(", ", list.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? "",
    };

    /// <summary>The property's XML summary as one line of Markdown.</summary>
    private static string Summary(PropertyInfo property, Dictionary<Assembly, Dictionary<string, string>> docs)
    {
        var type = property.DeclaringType!;
        if (!docs.TryGetValue(type.Assembly, out var members))
        {
            members = [];
            var file = Path.ChangeExtension(type.Assembly.Location, ".xml");
            if (File.Exists(file))
            {
                foreach (var member in XDocument.Load(file).Descendants("member"))
                {
                    if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                    {
                        members[name] = Markdown(summary);
                    }
                }
            }
            docs[type.Assembly] = members;
        }
        return members.GetValueOrDefault($"P:{type.FullName!.Replace('+', '.')}.{property.Name}", "");
    }

    private static string Markdown(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement e when e.Attribute("cref") is { } cref => $"`{Name(cref.Value)}`",
                XElement e => e.Value,
                _ => "",
            });
        }
        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    /// <summary>A cref as a reader knows it: a type by its name, a member with its type's (<c>Roles.All</c>).</summary>
    private static string Name(string cref)
    {
        var parts = cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('(')[0].Split('.');
        return string.Join('.', parts.TakeLast(cref.StartsWith("T:", StringComparison.Ordinal) ? 1 : 2));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
