using System.Threading.Channels;

namespace CustomerGrains.Grains.Log;

/// <summary>
/// Group commit: appends from concurrent callers are queued and written together, one durable write
/// (one transaction, one flush) per group. Each caller learns the outcome of the group its items were in;
/// if the write fails, every caller of that group gets the exception and nothing of the group is acknowledged.
/// </summary>
public sealed class GroupCommitter<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> writeGroup;
    private readonly int maxGroupSize;
    private readonly TimeProvider time;
    private readonly Task loop;
    // When the oldest request of the group being written was queued (0: none is being written).
    private long writingSince;

    /// <param name="writeGroup">Writes a group durably and returns one result per request, in order.</param>
    /// <param name="maxGroupSize">The most requests written in one group.</param>
    /// <param name="time">The clock <see cref="OldestWait"/> is measured by (the system's by default).</param>
    public GroupCommitter(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> writeGroup, int maxGroupSize = 256, TimeProvider? time = null)
    {
        this.writeGroup = writeGroup;
        this.maxGroupSize = maxGroupSize;
        this.time = time ?? TimeProvider.System;
        loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// How long the oldest request not yet written has been waiting (in the group being written, or queued behind it):
    /// zero when nothing waits. It grows without bound when requests come faster than groups can be written.
    /// </summary>
    public TimeSpan OldestWait
    {
        get
        {
            var since = Volatile.Read(ref writingSince);
            if (since == 0 && queue.Reader.TryPeek(out var head))
            {
                since = head.Queued;
            }
            return since == 0 ? TimeSpan.Zero : time.GetElapsedTime(since);
        }
    }

    /// <summary>Queues one request and completes when the group it was written in is durable.</summary>
    public Task<TResult> SubmitAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), time.GetTimestamp());
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter<TRequest, TResult>));
        }
        // A caller that stops waiting does not withdraw its request: it may already be durable.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>(maxGroupSize);
        var requests = new List<TRequest>(maxGroupSize);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            requests.Clear();
            while (group.Count < maxGroupSize && queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                requests.Add(next.Request);
            }
            Volatile.Write(ref writingSince, group[0].Queued);
            try
            {
                var results = await writeGroup(requests, CancellationToken.None).ConfigureAwait(false);
                // Written: it no longer waits (before its callers hear of it, so none reads a wait already over).
                Volatile.Write(ref writingSince, 0);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Completion.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // Every failure goes to the callers of the group, who decide.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Volatile.Write(ref writingSince, 0);
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>Writes what is queued, then stops. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private int disposed;

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Completion, long Queued);
}
