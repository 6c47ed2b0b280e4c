using System.Runtime.InteropServices;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// Real-time scheduling for the sender threads (Linux <c>SCHED_FIFO</c>): a sender due to send preempts every
/// normal thread on its core at once, instead of waiting for the scheduler to give it the core back (on a machine
/// shared with the server that wait is the dispatch lag's tail). It is a privilege: root, <c>CAP_SYS_NICE</c> or a
/// real-time limit (<c>ulimit -r</c>) at least <see cref="Level"/>. Where it is refused, the senders run at normal
/// priority and the outcome says why. The senders sleep between starts and spin only in the last microseconds
/// before one, so they hold a core for a small share of the time (and the kernel keeps 5% of every second for
/// normal threads in any case: <c>/proc/sys/kernel/sched_rt_runtime_us</c>).
/// </summary>
internal static partial class RealtimePriority
{
    /// <summary>The real-time level asked for: the lowest, which is above every normal thread.</summary>
    public const int Level = 1;

    private const int SchedFifo = 1;
    private const int NotPermitted = 1;   // EPERM

    /// <summary>What the sender threads of a run got: real-time priority, or normal priority and why.</summary>
    /// <param name="Realtime">Whether the threads run at real-time priority.</param>
    /// <param name="Description">One line for the report.</param>
    public sealed record Outcome(bool Realtime, string Description);

    /// <summary>Not asked for (<c>--realtime off</c>).</summary>
    public static readonly Outcome Off = new(false, "normal priority (--realtime off)");

    /// <summary>
    /// Moves the calling thread to <c>SCHED_FIFO</c> at <see cref="Level"/>; the outcome says whether it did and, if
    /// not, why. Only the calling thread changes (Linux schedules threads one by one).
    /// </summary>
    public static Outcome Enter()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new(false, $"normal priority (real-time scheduling is only used on Linux, this is {RuntimeInformation.OSDescription})");
        }
        var parameter = Level;
        if (SetScheduler(0, SchedFifo, in parameter) == 0)
        {
            return new(true, $"real-time priority (SCHED_FIFO {Level})");
        }
        var error = Marshal.GetLastPInvokeError();
        return new(false, error == NotPermitted
            ? $"normal priority: real-time (SCHED_FIFO) not permitted (errno {error}): run as root, with CAP_SYS_NICE, or with ulimit -r {Level} or more; --realtime off stops asking"
            : $"normal priority: real-time (SCHED_FIFO) refused (errno {error}: {Marshal.GetPInvokeErrorMessage(error)})");
    }

    /// <summary>
    /// Whether a thread of this process may run at real-time priority: tried on a short-lived thread of its own,
    /// whose priority ends with it. For the report's header and the console, before the senders start.
    /// </summary>
    public static Outcome Probe()
    {
        Outcome? outcome = null;
        var thread = new Thread(() => outcome = Enter()) { IsBackground = true, Name = "realtime probe" };
        thread.Start();
        thread.Join();
        return outcome!;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, in int parameter);
}
