using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// What <c>wrk --latency</c> measured: a closed loop (each connection sends its next request when the last
/// answer arrived), so its rate is the server's maximum with that many connections and its percentiles
/// are service times (a stall delays the requests it holds back, and they are never sent: coordinated omission).
/// </summary>
/// <param name="Command">The command line as run.</param>
/// <param name="Requests">Requests completed.</param>
/// <param name="Seconds">How long it ran.</param>
/// <param name="RequestsPerSecond">Its achieved rate.</param>
/// <param name="P50">Latency percentiles and the maximum, in ms.</param>
/// <param name="P75">75th percentile, ms.</param>
/// <param name="P90">90th percentile, ms.</param>
/// <param name="P99">99th percentile, ms.</param>
/// <param name="Max">Maximum, ms.</param>
/// <param name="Non2xx">Answers that were not 2xx or 3xx.</param>
/// <param name="SocketErrors">Connect, read, write errors and timeouts together.</param>
public sealed record WrkResult(string Command, long Requests, double Seconds, double RequestsPerSecond,
    double P50, double P75, double P90, double P99, double Max, long Non2xx, long SocketErrors);

/// <summary>Runs the outside tool <c>wrk</c> (Debian package <c>wrk</c>) and reads its report.</summary>
public static partial class Wrk
{
    /// <summary>
    /// Runs <c>wrk --latency</c> against <paramref name="url"/>, sending <c>X-Api-Key</c> as the runner does on every
    /// request (so both make the host do the same work); throws when wrk is missing or fails.
    /// </summary>
    public static async Task<WrkResult> RunAsync(Uri url, TimeSpan duration, int threads, int connections, string? apiKey, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(url);
        var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = [$"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency", .. KeyHeader(apiKey), url.ToString()];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await error}");
        }
        // The command as the report shows it: the key itself is not written into reports.
        return Parse(await output, "wrk " + string.Join(' ', arguments.Select(a => a.StartsWith(KeyHeaderName, StringComparison.Ordinal) ? $"'{KeyHeaderName}: …'" : a)));
    }

    private const string KeyHeaderName = "X-Api-Key";

    /// <summary>wrk's arguments that send the key, none without one.</summary>
    internal static string[] KeyHeader(string? apiKey) => string.IsNullOrEmpty(apiKey) ? [] : ["-H", $"{KeyHeaderName}: {apiKey}"];

    /// <summary>Reads wrk's text report (with its <c>--latency</c> distribution).</summary>
    public static WrkResult Parse(string output, string command)
    {
        ArgumentNullException.ThrowIfNull(output);
        var total = TotalLine().Match(output);
        var rate = RateLine().Match(output);
        var latency = LatencyLine().Match(output);
        if (!total.Success || !rate.Success || !latency.Success)
        {
            throw new FormatException($"Not a wrk report with --latency: {output}");
        }
        double Percentile(string p) => PercentileLine(p) is { Success: true } m ? Milliseconds(m.Groups[1].Value, m.Groups[2].Value) : double.NaN;
        var socket = SocketErrorsLine().Match(output);
        var non2xx = Non2xxLine().Match(output);
        return new WrkResult(command,
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            Seconds(total.Groups[2].Value, total.Groups[3].Value),
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile("50"), Percentile("75"), Percentile("90"), Percentile("99"),
            Milliseconds(latency.Groups[5].Value, latency.Groups[6].Value),
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socket.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture)) : 0);

        Match PercentileLine(string p) => Regex.Match(output, $@"^\s*{p}%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static double Milliseconds(string value, string unit)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => number / 1000,
            "ms" => number,
            "s" => number * 1000,
            "m" => number * 60_000,
            _ => throw new FormatException($"Unknown wrk time unit '{unit}'."),
        };
    }

    private static double Seconds(string value, string unit) => Milliseconds(value, unit) / 1000;

    [GeneratedRegex(@"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s*Latency\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Non2xxLine();
}
