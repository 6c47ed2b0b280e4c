using System.Collections.Immutable;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Abstractions;

/// <summary>Runs one read of grains, with whatever retry its caller wants (the API's silo-loss retry, or none inside a silo).</summary>
public interface IGrainReader
{
    /// <summary>Runs <paramref name="read"/> against the cluster's grains.</summary>
    Task<T> ReadAsync<T>(Func<IGrainFactory, Task<T>> read, CancellationToken cancellationToken);
}

/// <summary>
/// Reads that fan out to many customer grains, shared by the HTTP API and the silo side of the typed client so both
/// answer alike: a batch of snapshots or decisions, and the compact screen-pop cards of a phone number. Auditing and
/// masking stay with the caller, who knows who is reading.
/// </summary>
public static class CustomerReads
{
    /// <summary>
    /// Reads every customer of a valid <paramref name="query"/> in one round of parallel grain calls (each tried again on
    /// its own by <paramref name="reads"/>); customers without applied events are listed as unknown.
    /// </summary>
    public static async Task<CustomerBatch> ReadBatchAsync(IGrainReader reads, CustomerBatchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(query);
        var ids = query.DistinctIds();
        if (query.IsDecisionView)
        {
            var contact = new DecisionQuery { Channel = query.Channel ?? "phone", Reason = query.Reason };
            var decisions = await Task.WhenAll(ids.Select(id =>
                reads.ReadAsync(grains => grains.Customer(id).GetDecisionAsync(contact), cancellationToken)));
            return new CustomerBatch { View = query.View, Decisions = [.. decisions.OfType<Decision>()], Unknown = UnknownOf(ids, decisions) };
        }
        var snapshots = await Task.WhenAll(ids.Select(id =>
            reads.ReadAsync(grains => grains.Customer(id).GetSnapshotAsync(null), cancellationToken)));
        return new CustomerBatch { View = query.View, Customers = [.. snapshots.OfType<CustomerSnapshot>()], Unknown = UnknownOf(ids, snapshots) };
    }

    private static ImmutableArray<string> UnknownOf<T>(ImmutableArray<string> ids, T?[] answers) where T : class =>
        [.. ids.Where((_, i) => answers[i] is null)];

    /// <summary>
    /// The compact cards of every customer whose profile lists <paramref name="e164"/>, most valuable (net value) first.
    /// Each customer grain checks the number itself and answers from its card cache.
    /// </summary>
    public static async Task<ImmutableArray<ScreenPopCard>> CompactCardsAsync(IGrainReader reads, string e164, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var cards = await reads.ReadAsync(async grains =>
        {
            var ids = await grains.PageFor(e164).GetCustomersAsync(e164);
            // Most numbers have one customer: that answer needs no fan-out and no sort.
            return ids.Length == 1
                ? [await grains.Customer(ids[0]).GetScreenPopCardAsync(e164)]
                : await Task.WhenAll(ids.Select(id => grains.Customer(id).GetScreenPopCardAsync(e164)));
        }, cancellationToken);
        if (cards.Length == 1)
        {
            return cards[0] is { } only ? [only] : [];
        }
        return [.. cards.OfType<ScreenPopCard>()
            .OrderByDescending(c => c.NetValue ?? double.NegativeInfinity)
            .ThenBy(c => c.CustomerId, StringComparer.Ordinal)];
    }
}
