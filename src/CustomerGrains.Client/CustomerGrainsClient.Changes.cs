using System.Runtime.CompilerServices;
using CustomerGrains.Abstractions;

namespace CustomerGrains.Client;

public partial interface ICustomerGrainsClient
{
    /// <summary>
    /// A page of the change feed (as <c>GET /api/changes</c>): the changes after position <paramref name="after"/> (0: from
    /// the start), oldest first, at most <paramref name="limit"/>; pass the page's <see cref="ChangePage.Next"/> as the next
    /// <paramref name="after"/>. Throws <see cref="ArgumentException"/> for a negative position or a bad limit.
    /// </summary>
    Task<ChangePage> GetChangesAsync(long after = 0, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every change after position <paramref name="after"/>, in order, as they come: reads page after page and, when the
    /// feed is drained, looks again every <paramref name="pollInterval"/> (default 1 second) until cancelled. Keep the
    /// <see cref="CustomerChange.Position"/> of the last change handled and start from it again after a restart: nothing
    /// is missed and nothing repeated. Each read is tried again after transient failures, like every call of the client.
    /// </summary>
    IAsyncEnumerable<CustomerChange> WatchChangesAsync(long after = 0, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default);
}

internal sealed partial class CustomerGrainsClient
{
    private static readonly TimeSpan DefaultChangePoll = TimeSpan.FromSeconds(1);

    public async Task<ChangePage> GetChangesAsync(long after = 0, int? limit = null, CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync(grains => ServiceApi(grains).ReadChangesAsync(after, limit, serviceName), cancellationToken);
        return answer.Page ?? throw Refused("The change feed read", answer.Problems, nameof(after));
    }

    public async IAsyncEnumerable<CustomerChange> WatchChangesAsync(
        long after = 0, TimeSpan? pollInterval = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pause = pollInterval ?? DefaultChangePoll;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pause, TimeSpan.Zero, nameof(pollInterval));
        while (true)
        {
            var page = await GetChangesAsync(after, ChangeFeedLimits.MaxLimit, cancellationToken);
            foreach (var change in page.Changes)
            {
                yield return change;
            }
            after = page.Next;
            if (page.Changes.Length < ChangeFeedLimits.MaxLimit)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }
}
