using CustomerGrains.Grains.Storage;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Storage;

public sealed class BlockingLaneTests
{
    [Fact]
    public async Task Blocking_jobs_run_on_the_lanes_own_threads_at_most_its_size_at_once_and_failures_reach_the_caller()
    {
        var lane = new BlockingLane("test lane", 2);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        var started = 0;
        var jobs = Enumerable.Range(0, 6).Select(_ => lane.RunAsync(() =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Interlocked.Increment(ref started);
            release.Wait(TestContext.Current.CancellationToken);   // blocks its thread, as a SQLite commit does
            Interlocked.Decrement(ref running);
            return Task.FromResult((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
        }, CancellationToken.None)).ToList();

        await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref started)), n => n == 2, "two jobs to start");
        Assert.Equal(2, Volatile.Read(ref started));
        release.Set();
        var threads = await Task.WhenAll(jobs);

        Assert.Equal(2, most);
        Assert.All(threads, t => Assert.Equal(("test lane", false), t));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            lane.RunAsync(() => Task.FromException<int>(new InvalidOperationException("disk on fire")), CancellationToken.None));
        Assert.Equal("disk on fire", failure.Message);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var actual && actual != seen)
        {
            seen = actual;
        }
    }
}
