namespace CustomerGrains.Grains.Storage;

/// <summary>The project's schema scripts (deploy/sql/BACKEND/*.sql), embedded in this assembly and applied in name order.</summary>
internal static class SchemaScripts
{
    /// <summary>The scripts of <paramref name="backend"/> whose names start with <paramref name="prefix"/>, ordered by name.</summary>
    public static IEnumerable<(string Name, string Text)> Of(string backend, string prefix = "")
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var folder = $"sql.{backend}.";
        foreach (var resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(folder + prefix, StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (resource[folder.Length..], reader.ReadToEnd());
        }
    }
}
