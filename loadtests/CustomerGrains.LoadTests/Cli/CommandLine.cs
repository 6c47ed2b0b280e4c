using System.Globalization;

namespace CustomerGrains.LoadTests.Cli;

/// <summary>
/// Options of the form <c>--name value</c> (repeatable) and positional words. Every option read is
/// remembered, so options nobody asked for can be reported as mistakes instead of being ignored.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = args[i][2..];
                var value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
                if (!options.TryGetValue(name, out var values))
                {
                    options[name] = values = [];
                }
                values.Add(value);
            }
            else
            {
                words.Add(args[i]);
            }
        }
        Words = words;
        Text = string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
    }

    public IReadOnlyList<string> Words { get; }

    /// <summary>The arguments as given, for the report.</summary>
    public string Text { get; }

    public string? Get(string name)
    {
        read.Add(name);
        return options.TryGetValue(name, out var values) ? values[^1] : null;
    }

    public IReadOnlyList<string> All(string name)
    {
        read.Add(name);
        return options.TryGetValue(name, out var values) ? values : [];
    }

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name, bool fallback = false) => Get(name) is { } v ? v is "true" or "on" or "yes" : fallback;

    /// <summary>A duration such as <c>60s</c>, <c>2m</c>, <c>500ms</c> or a bare number of seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback) => Get(name) is { } v ? ParseDuration(v) : fallback;

    public static TimeSpan ParseDuration(string text) => text switch
    {
        _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
    };

    /// <summary>The options given that no code read: typos, or options of another command.</summary>
    public IReadOnlyList<string> Unread() => [.. options.Keys.Where(k => !read.Contains(k)).Select(k => "--" + k)];
}
