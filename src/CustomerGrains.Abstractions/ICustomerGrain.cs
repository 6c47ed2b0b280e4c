using Orleans.Concurrency;

namespace CustomerGrains.Abstractions;

/// <summary>
/// One customer, keyed by the customer id. It is fed by the interaction log (never written to
/// directly) and answers reads from memory; time-dependent figures are computed for the moment asked.
/// </summary>
[Alias("CustomerGrains.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The customer as of now, or as of <paramref name="asOf"/> when given (a later moment, for what-if
    /// questions). Null when no event of this customer has been applied.
    /// </summary>
    [ReadOnly]
    [Alias("GetSnapshot")]
    Task<CustomerSnapshot?> GetSnapshotAsync(DateTimeOffset? asOf = null);
}
