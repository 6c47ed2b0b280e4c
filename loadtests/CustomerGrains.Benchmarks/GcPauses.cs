using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Analysis.GC;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CustomerGrains.Benchmarks;

/// <summary>
/// <c>gc-pauses FILE.nettrace</c>: every collection in a trace of the runtime's GC events (taken with
/// <c>dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:4</c>, as <c>loadtests/gc-spike.sh</c>
/// does), one line each: when, generation, kind, the pause, the bytes promoted, the heap after it and the time the mark
/// phase spent on references from older generations (the card table), then totals by generation and kind.
/// </summary>
internal static class GcPauses
{
    public static int Run(string[] args)
    {
        if (args.Length != 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: gc-pauses FILE.nettrace (a trace with the runtime's GC events, e.g. from loadtests/gc-spike.sh)");
            return 2;
        }
        using var source = new EventPipeEventSource(args[0]);
        source.NeedLoadedDotNetRuntimes();
        source.Process();
        var found = false;
        foreach (var process in source.Processes())
        {
            if (process.LoadedDotNetRuntime() is not { } runtime || runtime.GC.GCs.Count == 0)
            {
                continue;
            }
            found = true;
            Print(process.ProcessID, runtime.GC.GCs);
        }
        if (!found)
        {
            Console.Error.WriteLine($"{args[0]}: no collection in this trace (was it taken with the GC keyword, 0x1, at level 4?)");
            return 1;
        }
        return 0;
    }

    private static void Print(int processId, List<TraceGC> gcs)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"process {processId}: {gcs.Count} collections");
        Console.WriteLine("      at  gen kind              pause ms  promoted MB  heap after MB  mark older ms");
        foreach (var gc in gcs)
        {
            Console.WriteLine(string.Format(c, "{0,7:F2}s  {1,3} {2,-16} {3,9:F1} {4,12:F1} {5,14:F0} {6,14:F1}",
                gc.StartRelativeMSec / 1000, gc.Generation, gc.Type, gc.PauseDurationMSec, Math.Max(0, gc.PromotedMB),
                Math.Max(0, gc.HeapSizeAfterMB), MarkOlder(gc)));
        }
        foreach (var kind in gcs.GroupBy(g => (g.Generation, g.Type)).OrderBy(g => g.Key.Generation))
        {
            Console.WriteLine(string.Format(c, "gen{0} {1}: {2} collections, pauses {3:F0} ms in all, longest {4:F1} ms, promoted {5:F0} MB",
                kind.Key.Generation, kind.Key.Type, kind.Count(), kind.Sum(g => g.PauseDurationMSec), kind.Max(g => g.PauseDurationMSec),
                kind.Sum(g => Math.Max(0, g.PromotedMB))));
        }
    }

    /// <summary>The longest time any heap's mark phase spent on roots in older generations, or 0 when the trace has no mark events.</summary>
    private static double MarkOlder(TraceGC gc) =>
        gc.PerHeapMarkTimes is null
            ? 0
            : gc.PerHeapMarkTimes.Values
                .Where(m => m.MarkTimes is { Length: > (int)MarkRootType.MarkOlder })
                .Select(m => m.MarkTimes[(int)MarkRootType.MarkOlder])
                .DefaultIfEmpty(0)
                .Max();
}
