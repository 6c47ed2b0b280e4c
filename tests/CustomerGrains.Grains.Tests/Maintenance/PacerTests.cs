using CustomerGrains.Grains.Maintenance;
using Microsoft.Extensions.Time.Testing;

namespace CustomerGrains.Grains.Tests.Maintenance;

/// <summary>The sweep's pace: reviews start no faster than the configured rate, however many are due at once.</summary>
public sealed class PacerTests
{
    [Fact]
    public async Task At_ten_a_second_the_eleventh_turn_waits_for_the_second_to_pass_and_late_turns_start_at_once()
    {
        var clock = new FakeTimeProvider();
        var pacer = new Pacer(10, clock);

        var turns = Enumerable.Range(0, 11).Select(_ => pacer.WaitTurnAsync(CancellationToken.None)).ToList();

        Assert.True(turns[0].IsCompleted);
        Assert.All(turns.Skip(1), t => Assert.False(t.IsCompleted));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(6, turns.Count(t => t.IsCompleted));
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(turns[10].IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(turns);

        // Behind schedule (nobody asked for two seconds): the next turns are already due, up to the rate's average.
        clock.Advance(TimeSpan.FromSeconds(2));
        var late = Enumerable.Range(0, 21).Select(_ => pacer.WaitTurnAsync(CancellationToken.None)).ToList();
        Assert.Equal(20, late.Count(t => t.IsCompleted));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await late[20];
    }

    [Fact]
    public async Task A_cancelled_sweep_stops_waiting()
    {
        var pacer = new Pacer(1, new FakeTimeProvider());
        using var cancel = new CancellationTokenSource();
        await pacer.WaitTurnAsync(cancel.Token);
        var second = pacer.WaitTurnAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }
}
