using CustomerGrains.Grains.Customers;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>When a customer with unwritten changes writes its snapshot and read-model row while the log is busy.</summary>
public sealed class SnapshotOptionsTests
{
    private static readonly TimeSpan Behind = TimeSpan.FromMilliseconds(400);

    [Fact]
    public void While_the_log_keeps_up_every_tick_writes()
    {
        var options = new SnapshotOptions();
        Assert.False(options.PutsOff(TimeSpan.Zero, 1));
        Assert.False(options.PutsOff(TimeSpan.FromMilliseconds(100), 1));
    }

    [Fact]
    public void While_the_log_is_behind_a_write_waits_but_never_past_the_maximum_delay()
    {
        var options = new SnapshotOptions { Interval = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromMinutes(2) };
        // Ticks come at 30, 60, 90 and 120 s after the oldest unwritten change: the fourth writes, at the maximum delay.
        Assert.Equal([true, true, true, false], Enumerable.Range(1, 4).Select(tick => options.PutsOff(Behind, tick)));

        // Without a maximum of its own, it is four intervals.
        var fast = new SnapshotOptions { Interval = TimeSpan.FromSeconds(1) };
        Assert.Equal([true, true, true, false], Enumerable.Range(1, 4).Select(tick => fast.PutsOff(Behind, tick)));

        var uneven = new SnapshotOptions { Interval = TimeSpan.FromSeconds(45), MaxDelay = TimeSpan.FromMinutes(2) };
        Assert.Equal([true, false], Enumerable.Range(1, 2).Select(tick => uneven.PutsOff(Behind, tick)));
    }

    [Fact]
    public void Zero_never_puts_a_write_off_and_a_maximum_below_the_interval_is_refused()
    {
        Assert.False(new SnapshotOptions { YieldToAppendsAbove = TimeSpan.Zero }.PutsOff(TimeSpan.FromMinutes(1), 1));
        Assert.False(new SnapshotOptions { MaxDelay = TimeSpan.FromSeconds(30) }.PutsOff(TimeSpan.FromMinutes(1), 1));

        var refused = Assert.Single(new SnapshotOptions { Interval = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromSeconds(30) }.Validate());
        Assert.Equal("MaxDelay must be between Interval (00:01:00) and 1 day (was 00:00:30)", refused);
    }
}
