using Microsoft.Extensions.Time.Testing;

namespace CustomerGrains.Abstractions.Tests;

/// <summary>Reads that meet a silo which just died are tried again, on the clock given, within their limits.</summary>
public sealed class TransientCallsTests
{
    private static RetryLimits Limits(TimeSpan budget) => new(int.MaxValue, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), budget);

    /// <summary>Runs the read to its end, moving the fake clock on while it waits between attempts.</summary>
    private static async Task<T> RunAsync<T>(FakeTimeProvider clock, Task<T> read)
    {
        for (var step = 0; !read.IsCompleted && step < 10_000; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Yield();
        }
        return await read;
    }

    [Fact]
    public async Task A_read_that_meets_a_lost_silo_is_tried_again_until_the_cluster_answers()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var read = TransientCalls.ReadAsync<int>(() => ++attempts switch
        {
            1 => throw new SiloUnavailableException(),
            2 => throw new AggregateException(new SiloUnavailableException("Unable to connect to the silo")),
            _ => Task.FromResult(42),
        }, Limits(TimeSpan.FromSeconds(5)), clock, TestContext.Current.CancellationToken);

        Assert.Equal(42, await RunAsync(clock, read));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_silo_loss_that_outlasts_the_budget_reaches_the_caller()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var started = clock.GetUtcNow();
        var read = TransientCalls.ReadAsync<int>(() =>
        {
            attempts++;
            throw new SiloUnavailableException();
        }, Limits(TimeSpan.FromSeconds(1)), clock, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => RunAsync(clock, read));
        // Pauses of 0.1, 0.2 and 0.4 s fit in the second; a fourth of 0.8 s would not.
        Assert.Equal(4, attempts);
        Assert.InRange(clock.GetUtcNow() - started, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Any_other_failure_is_not_tried_again()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var read = TransientCalls.ReadAsync<int>(() =>
        {
            attempts++;
            throw new InvalidOperationException("a bug, not a lost silo");
        }, Limits(TimeSpan.FromSeconds(5)), clock, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(clock, read));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Attempts_bound_the_retries_when_no_budget_is_given()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var read = TransientCalls.ReadAsync<int>(() =>
        {
            attempts++;
            throw new TimeoutException("the gateway did not answer");
        }, new RetryLimits(3, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)), clock, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<TimeoutException>(() => RunAsync(clock, read));
        Assert.Equal(3, attempts);
    }
}
