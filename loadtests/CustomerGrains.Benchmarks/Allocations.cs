using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CustomerGrains.Benchmarks;

/// <summary>
/// <c>allocations FILE.nettrace [TOP]</c>: where a process allocates, from the runtime's allocation samples (one event
/// about every 100 KB, with its stack) in a trace taken with
/// <c>dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5</c>. Prints the TOP (default 25)
/// types by sampled bytes, then the TOP methods by the share of sampled bytes allocated under them (a method counts once
/// per sample, so a caller's share includes its callees'), as the CPU profile's "in the stack" table does.
/// </summary>
internal static class Allocations
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2 || !File.Exists(args[0]) || (args.Length == 2 && !int.TryParse(args[1], out _)))
        {
            Console.Error.WriteLine("usage: allocations FILE.nettrace [TOP] (a trace with the runtime's allocation ticks: --providers Microsoft-Windows-DotNETRuntime:0x1:5)");
            return 2;
        }
        var top = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25;
        var etlx = TraceLog.CreateFromEventPipeDataFile(args[0]);
        using var log = new TraceLog(etlx);
        var byType = new Dictionary<string, double>();
        var byMethod = new Dictionary<string, double>();
        double total = 0;
        var seen = new HashSet<string>();
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData tick)
            {
                continue;
            }
            double bytes = tick.AllocationAmount64;
            total += bytes;
            var type = tick.TypeName is { Length: > 0 } name ? name : "(type not named)";
            byType[type] = byType.GetValueOrDefault(type) + bytes;
            seen.Clear();
            for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
            {
                var method = frame.CodeAddress.FullMethodName is { Length: > 0 } m ? m : frame.CodeAddress.ModuleName + "!?";
                if (seen.Add(method))
                {
                    byMethod[method] = byMethod.GetValueOrDefault(method) + bytes;
                }
            }
        }
        if (total == 0)
        {
            Console.Error.WriteLine($"{args[0]}: no allocation sample in this trace (was it taken with the GC keyword, 0x1, at level 5?)");
            return 1;
        }
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0:F1} MB sampled", total / 1048576));
        Print("type", byType, total, top);
        Print("in the stack", byMethod, total, top);
        File.Delete(etlx);
        return 0;
    }

    private static void Print(string heading, Dictionary<string, double> shares, double total, int top)
    {
        Console.WriteLine($"\nshare  {heading}");
        foreach (var (what, bytes) in shares.OrderByDescending(s => s.Value).Take(top))
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,5:F1}%  {1}", 100 * bytes / total, what.Length > 160 ? what[..160] : what));
        }
    }
}
