using System.Globalization;

namespace CustomerGrains.DesktopLatency;

/// <summary>
/// What to measure. Without <c>--url</c> the console starts its own host (the embedded default, in a temp directory)
/// and restarts it to measure cold lookups; with <c>--url</c> it measures that host, and cold lookups need
/// <c>--gateway</c> to deactivate its grains.
/// </summary>
internal sealed record LatencySettings(
    Uri? Url,
    string? Gateway,
    string ClusterId,
    int Customers,
    int WarmLookups,
    int Rings,
    int Seed)
{
    public const string Usage = """
        dotnet run -c Release --project loadtests/CustomerGrains.DesktopLatency -- [options]
          --url=URL            measure a running host (default: start one on the embedded default in a temp directory)
          --gateway=HOST:PORT  with --url: a silo gateway, to deactivate grains before the cold lookups (else they are skipped)
          --cluster-id=ID      with --gateway: the cluster id (default customergrains-local)
          --customers=N        customers seeded with a phone number each (default 2000); each is looked up cold once
          --lookups=N          warm GET /api/screenpop lookups (default 5000)
          --rings=N            CTI rings measured to the card on screen in chromium (default 200)
          --seed=N             random seed of the customer base and the lookup order (default 7)
        """;

    public static LatencySettings? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !arg.Contains('=', StringComparison.Ordinal))
            {
                return null;
            }
            var pair = arg[2..].Split('=', 2);
            values[pair[0]] = pair[1];
        }
        string? Text(string key) => values.GetValueOrDefault(key);
        int Number(string key, int fallback) =>
            Text(key) is { } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;
        return new LatencySettings(
            Text("url") is { } url ? new Uri(url) : null,
            Text("gateway"),
            Text("cluster-id") ?? "customergrains-local",
            Number("customers", 2000),
            Number("lookups", 5000),
            Number("rings", 200),
            Number("seed", 7));
    }
}
