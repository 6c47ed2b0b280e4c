using System.Globalization;

namespace CustomerGrains.ClusterBench;

/// <summary>What to measure against; the defaults match <c>deploy/local-cluster.sh start</c> with 3 silos.</summary>
internal sealed record BenchSettings(
    IReadOnlyList<Uri> Silos,
    IReadOnlyList<string> Gateways,
    string ClusterId,
    int Events,
    int BatchSize,
    int Callers,
    int Customers,
    int Probes,
    int Reads,
    int ProbeLoops,
    int ProbePollMilliseconds)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        string Text(string key, string fallback) => values.GetValueOrDefault(key, fallback);
        int Number(string key, int fallback) => int.Parse(Text(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new BenchSettings(
            [.. Text("silos", "http://127.0.0.1:5081,http://127.0.0.1:5082,http://127.0.0.1:5083").Split(',').Select(s => new Uri(s))],
            Text("gateways", "127.0.0.1:30001,127.0.0.1:30002,127.0.0.1:30003").Split(','),
            Text("cluster-id", "customergrains-local-cluster"),
            Number("events", 60_000),
            Number("batch", 100),
            Number("callers", 8),
            Number("customers", 5_000),
            Number("probes", 300),
            Number("reads", 3_000),
            Number("probe-loops", 1),
            Number("probe-poll-ms", 1));
    }
}
