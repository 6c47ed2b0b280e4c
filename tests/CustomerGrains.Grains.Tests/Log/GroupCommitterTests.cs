using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Time.Testing;

namespace CustomerGrains.Grains.Tests.Log;

/// <summary>How long appends wait for the group commit, which back-pressure at the log reads.</summary>
public sealed class GroupCommitterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_oldest_wait_is_how_long_the_first_request_not_yet_written_has_waited_and_zero_once_all_are_written()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var groups = new List<int[]>();
        await using var committer = new GroupCommitter<int, int>(async (requests, _) =>
        {
            groups.Add([.. requests]);
            writing.TrySetResult();
            await release.Task;
            return [.. requests.Select(r => r * 10)];
        }, time: clock);
        Assert.Equal(TimeSpan.Zero, committer.OldestWait);

        var first = committer.SubmitAsync(1, Ct);
        await writing.Task;
        clock.Advance(TimeSpan.FromSeconds(2));
        // The second request queues behind the group being written; the first has waited longer.
        var second = committer.SubmitAsync(2, Ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(3), committer.OldestWait);

        release.SetResult();
        var results = await Task.WhenAll(first, second);
        Assert.Equal([10, 20], results);
        Assert.Equal([[1], [2]], groups);
        Assert.Equal(TimeSpan.Zero, committer.OldestWait);
    }
}
