using CustomerGrains.Abstractions;

namespace CustomerGrains.Client;

/// <summary>What a backend service asks the engine. Every answer comes from the customer's grain, in memory.</summary>
public interface ICustomerGrainsClient
{
    /// <summary>The customer as of now (or <paramref name="asOf"/>), or null when no event of theirs has been applied.</summary>
    Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default);
}

internal sealed class CustomerGrainsClient(IClusterClient cluster, CustomerGrainsClientOptions options) : ICustomerGrainsClient
{
    public Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return TransientRetry.RunAsync(
            () => cluster.GetGrain<ICustomerGrain>(customerId).GetSnapshotAsync(asOf).WaitAsync(cancellationToken), options, cancellationToken);
    }
}
