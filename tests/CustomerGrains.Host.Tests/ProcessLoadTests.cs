using CustomerGrains.Host.Api;

namespace CustomerGrains.Host.Tests;

/// <summary>The share of the machine a process uses, what decides whether a backfill batch gives way to live traffic.</summary>
public sealed class ProcessLoadTests
{
    /// <summary>A clock the test moves, in whole ticks of one per millisecond.</summary>
    private sealed class Clock : TimeProvider
    {
        public long Milliseconds { get; set; }

        public override long GetTimestamp() => Milliseconds;

        public override long TimestampFrequency => 1000;
    }

    [Fact]
    public void The_share_is_the_cpu_time_over_the_wall_time_on_every_core_and_is_read_again_after_a_quarter_second()
    {
        var clock = new Clock();
        var cpu = TimeSpan.Zero;
        var load = new ProcessLoad(clock, () => cpu, cores: 2);

        // One second in which the process used 1.5 s of CPU on two cores: three quarters of the machine.
        (clock.Milliseconds, cpu) = (1000, TimeSpan.FromSeconds(1.5));
        Assert.Equal(0.75, load.CpuShare, 12);

        // Asked again within the window: the same reading, however the CPU time moved.
        (clock.Milliseconds, cpu) = (1100, TimeSpan.FromSeconds(1.6));
        Assert.Equal(0.75, load.CpuShare, 12);

        // A quiet half second later: 0.05 s of CPU over 0.5 s on two cores.
        (clock.Milliseconds, cpu) = (1500, TimeSpan.FromSeconds(1.55));
        Assert.Equal(0.05, load.CpuShare, 12);
    }

    [Fact]
    public void A_share_is_never_more_than_the_whole_machine()
    {
        var clock = new Clock();
        var cpu = TimeSpan.Zero;
        var load = new ProcessLoad(clock, () => cpu, cores: 1);

        (clock.Milliseconds, cpu) = (500, TimeSpan.FromSeconds(2));

        Assert.Equal(1, load.CpuShare);
    }
}
