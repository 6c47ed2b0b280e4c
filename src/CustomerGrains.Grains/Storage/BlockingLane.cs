namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Threads of its own for work that blocks its thread: Microsoft.Data.Sqlite runs its "async" methods synchronously,
/// so a commit waiting for its fsync, or a read of a cold customer, would otherwise hold a thread-pool thread that the
/// HTTP server and the grains need. The lane starts a thread when work is waiting and none is free (up to
/// <see cref="MaxThreads"/>), and a thread that found no work for a while ends, so an idle lane holds no thread.
/// A job runs to its end on the lane's thread; whoever awaits it continues on the thread pool.
/// </summary>
public sealed class BlockingLane(string name, int maxThreads)
{
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(10);
    private readonly Queue<Action> queue = new();
    private readonly object gate = new();
    private int threads;
    private int idle;
    private int max = maxThreads;

    /// <summary>The most threads the lane runs at once (at least 1).</summary>
    public int MaxThreads
    {
        get => Volatile.Read(ref max);
        set => Volatile.Write(ref max, Math.Max(1, value));
    }

    /// <summary>Runs <paramref name="job"/> on a thread of the lane; the task completes with its result.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                done.TrySetResult(job().GetAwaiter().GetResult());
            }
#pragma warning disable CA1031 // Every failure goes to the awaiting caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        });
        return done.Task;
    }

    /// <inheritdoc cref="RunAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public Task RunAsync(Func<Task> job, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await job();
            return true;
        }, cancellationToken);

    private void Post(Action job)
    {
        lock (gate)
        {
            queue.Enqueue(job);
            if (idle > 0)
            {
                Monitor.Pulse(gate);
            }
            else if (threads < MaxThreads)
            {
                threads++;
                new Thread(Work) { IsBackground = true, Name = name }.Start();
            }
        }
    }

    private void Work()
    {
        while (true)
        {
            Action job;
            lock (gate)
            {
                while (queue.Count == 0)
                {
                    idle++;
                    var woken = Monitor.Wait(gate, IdleExit);
                    idle--;
                    if (!woken && queue.Count == 0)
                    {
                        threads--;
                        return;
                    }
                }
                job = queue.Dequeue();
            }
            job();
        }
    }
}
