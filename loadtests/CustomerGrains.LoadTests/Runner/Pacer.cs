using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// Waits for an intended start without ever returning before it, and without the millisecond granularity of
/// <see cref="Thread.Sleep(int)"/>: far ahead it sleeps, closer it sleeps for the exact remainder less a margin
/// (Linux <c>clock_nanosleep</c> with the thread's timer slack cut to 1 ns), and within the margin it spins
/// without yielding (on a loaded machine a yield hands the core to another task for its whole slice, which is
/// milliseconds). The spin is what makes the send punctual; the precise sleep is what keeps the generator from
/// burning a core between sends.
/// </summary>
internal static partial class Pacer
{
    /// <summary>Within this of the deadline the wait spins (the wake-up of a sleep on a busy machine is later than that).</summary>
    public static readonly long DefaultSpinTicks = Latency.Ticks(TimeSpan.FromMicroseconds(60));

    private static readonly long SleepTicks = Latency.Ticks(TimeSpan.FromMilliseconds(3));
    private static readonly bool Precise = OperatingSystem.IsLinux();

    /// <summary>
    /// Prepares the calling thread for precise sleeps (its timer slack to 1 ns on Linux, so a short sleep is not
    /// rounded up by the default 50 µs). Call once on each dispatching thread. (A raised priority, nice -10, was
    /// tried on the loaded test machine and made the tail worse, probably because a sender then waits on locks
    /// held by the normal-priority pool threads that read the answers.)
    /// </summary>
    public static void PrepareThread()
    {
        if (Precise)
        {
            _ = Prctl(PrSetTimerSlack, 1, 0, 0, 0);
        }
    }

    /// <summary>
    /// Returns the first <see cref="Stopwatch"/> timestamp at or after <paramref name="deadline"/> (never before
    /// it), or earlier only when <paramref name="stop"/> is cancelled.
    /// </summary>
    public static long WaitUntil(long deadline, long spinTicks, CancellationToken stop)
    {
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var remaining = deadline - now;
            if (remaining <= 0 || stop.IsCancellationRequested)
            {
                return now;
            }
            if (remaining > SleepTicks)
            {
                // Far ahead: a coarse sleep that wakes a millisecond or two early, then look again.
                Thread.Sleep((int)Math.Min(Latency.Milliseconds(remaining - SleepTicks) + 1, 100));
            }
            else if (remaining > spinTicks && Precise)
            {
                SleepExactly(remaining - spinTicks);
            }
            else if (remaining > spinTicks)
            {
                Thread.Sleep(0);
            }
            else
            {
                // Near: spin on the core (never Sleep(1), which overshoots by a millisecond, nor a yield).
                Thread.SpinWait(20);
            }
        }
    }

    private static void SleepExactly(long ticks)
    {
        var nanoseconds = (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency));
        var span = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = ClockNanosleep(ClockMonotonic, 0, in span, IntPtr.Zero);
    }

    private const int ClockMonotonic = 1;
    private const int PrSetTimerSlack = 29;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
