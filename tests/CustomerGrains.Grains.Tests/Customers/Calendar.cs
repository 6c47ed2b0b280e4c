using Microsoft.Extensions.Time.Testing;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>
/// A silo's clock whose date (what the engine calls now) the test moves, while timers and elapsed-time measurements
/// keep running in real time. A fake clock moved by months at once would otherwise fire every periodic timer of the
/// silo once for each period it skips (about 0.4 s of work per simulated day) and time out the calls in flight; the
/// engine's rules depend on the date alone.
/// </summary>
public sealed class Calendar(DateTimeOffset start) : FakeTimeProvider(start)
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;
}
