using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Log;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// Every customer's purchases as the interaction log holds them, for a calibration/hold-out fit over the customer base:
/// each purchase's day (UTC) and net amount (amount less discount, in the base currency when the event was converted at
/// ingest). Erased customers' events are tombstones and are left out; returns are not subtracted.
/// </summary>
public sealed class PurchaseHistory(IInteractionLog log, LogPartitioner partitioner)
{
    private const int PageSize = 5000;

    /// <summary>Reads every partition of the log from its start.</summary>
    public async Task<IReadOnlyList<CustomerPurchases>> ReadAsync(CancellationToken cancellationToken)
    {
        var days = new Dictionary<string, SortedDictionary<DateOnly, double>>(StringComparer.Ordinal);
        for (var partition = 0; partition < partitioner.Partitions; partition++)
        {
            long after = 0;
            while (true)
            {
                var page = await log.ReadPartitionAsync(partition, after, PageSize, cancellationToken);
                foreach (var record in page)
                {
                    if (!record.IsErased && InteractionJson.Deserialize(record.Payload) is PurchaseMade purchase)
                    {
                        var day = DateOnly.FromDateTime(purchase.OccurredAt.UtcDateTime);
                        var amount = (double)((purchase.Amount - purchase.Discount) * (purchase.Conversion?.Rate ?? 1m));
                        if (!days.TryGetValue(purchase.CustomerId, out var customer))
                        {
                            days[purchase.CustomerId] = customer = [];
                        }
                        customer[day] = customer.GetValueOrDefault(day) + amount;
                    }
                }
                if (page.Count < PageSize)
                {
                    break;
                }
                after = page[^1].Position;
            }
        }
        return [.. days.Select(c => new CustomerPurchases(c.Key, [.. c.Value.Keys], [.. c.Value.Values]))];
    }
}
