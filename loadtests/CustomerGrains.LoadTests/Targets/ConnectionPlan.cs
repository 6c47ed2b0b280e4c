using System.Globalization;

namespace CustomerGrains.LoadTests.Targets;

/// <summary>
/// How many connections the runner may open to each host. HTTP/1.1 carries one request at a time per connection,
/// so a request that finds every connection busy waits in the client for one (or for a new one to be opened), and
/// that wait is the generator's, not the server's. <c>--connections auto</c> sizes the pool by Little's law: the
/// requests in flight are the rate times the time each takes, so <see cref="Allowance"/> of the peak request rate
/// (far above the latencies being measured) are kept possible without waiting; a closed loop needs one connection
/// per copy.
/// </summary>
/// <param name="PerHost">The most connections open to one host.</param>
/// <param name="Description">How the number was chosen, for the report's header.</param>
public sealed record ConnectionPlan(int PerHost, string Description)
{
    /// <summary>How long a request may take before the automatic pool can run short: 50 ms, 25 times a 2 ms p99.</summary>
    public static readonly TimeSpan Allowance = TimeSpan.FromMilliseconds(50);

    public const int Minimum = 32;
    public const int Maximum = 1024;

    /// <summary>
    /// Reads <c>--connections</c>: <c>auto</c>, or a number from 1 to <see cref="Maximum"/> times 16.
    /// <paramref name="peakPerSecond"/> is the most requests a second the run sends at once, over all
    /// <paramref name="hosts"/> (round-robin); <paramref name="copies"/> the closed loop's copies, if it is one.
    /// </summary>
    public static ConnectionPlan Parse(string text, double peakPerSecond, int hosts, int? copies)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "auto")
        {
            return Auto(peakPerSecond, hosts, copies);
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var fixedCount) && fixedCount is >= 1 and <= Maximum * 16
            ? new(fixedCount, $"connections: at most {fixedCount} per host (--connections)")
            : throw new FormatException($"--connections '{text}': expected auto or a number of connections per host from 1 to {Maximum * 16}.");
    }

    /// <summary>The automatic size: one per copy for a closed loop; else the peak rate per host times <see cref="Allowance"/>, from <see cref="Minimum"/> to <see cref="Maximum"/>.</summary>
    public static ConnectionPlan Auto(double peakPerSecond, int hosts, int? copies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        if (copies is { } n)
        {
            var perHost = Math.Max(1, (int)Math.Ceiling(n / (double)hosts));
            return new(perHost, $"connections: auto -> {perHost} per host (one per closed-loop copy: {n} copies over {hosts} host(s))");
        }
        var inFlight = Math.Ceiling(peakPerSecond / hosts * Allowance.TotalSeconds);
        var count = (int)Math.Clamp(inFlight, Minimum, Maximum);
        return new(count, string.Create(CultureInfo.InvariantCulture,
            $"connections: auto -> {count} per host (Little's law: {peakPerSecond / hosts:0.#} requests/s per host at their peak x {Allowance.TotalMilliseconds:0} ms = {inFlight:0} in flight, kept within {Minimum} to {Maximum})"));
    }
}
