namespace CustomerGrains.Host.Api;

/// <summary>
/// How busy this process is: the share of the machine's cores it used between two readings at least
/// <see cref="Window"/> apart (a reading asked for sooner answers the last one). Read on demand, no timer: the first
/// reading covers the time since the process started.
/// </summary>
public sealed class ProcessLoad
{
    /// <summary>The shortest span a reading covers.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider time;
    private readonly Func<TimeSpan> cpuTime;
    private readonly int cores;
    private readonly Lock gate = new();
    private long sampledAt;
    private TimeSpan sampledCpu;
    private double share;

    /// <summary>A reading of <paramref name="cpuTime"/> (the process's CPU time so far) on <paramref name="cores"/> cores.</summary>
    public ProcessLoad(TimeProvider time, Func<TimeSpan> cpuTime, int cores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cores);
        this.time = time;
        this.cpuTime = cpuTime;
        this.cores = cores;
        sampledAt = time.GetTimestamp();
        sampledCpu = cpuTime();
    }

    /// <summary>This process, on this machine's cores.</summary>
    public ProcessLoad(TimeProvider time) : this(time, () => Environment.CpuUsage.TotalTime, Environment.ProcessorCount)
    {
    }

    /// <summary>The share (0 to 1) of the machine's cores the process used over the latest window.</summary>
    public double CpuShare
    {
        get
        {
            lock (gate)
            {
                var elapsed = time.GetElapsedTime(sampledAt);
                if (elapsed >= Window)
                {
                    var cpu = cpuTime();
                    share = Math.Clamp((cpu - sampledCpu) / (elapsed * cores), 0, 1);
                    sampledAt = time.GetTimestamp();
                    sampledCpu = cpu;
                }
                return share;
            }
        }
    }
}
