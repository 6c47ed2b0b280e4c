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
    private readonly Task loop;

    /// <param name="writeGroup">Writes a group durably and returns one result per request, in order.</param>
    /// <param name="maxGroupSize">The most requests written in one group.</param>
    public GroupCommitter(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> writeGroup, int maxGroupSize = 256)
    {
        this.writeGroup = writeGroup;
        this.maxGroupSize = maxGroupSize;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one request and completes when the group it was written in is durable.</summary>
    public Task<TResult> SubmitAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
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
            try
            {
                var results = await writeGroup(requests, CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Completion.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // Every failure goes to the callers of the group, who decide.
            catch (Exception ex)
#pragma warning restore CA1031
            {
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

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Completion);
}
