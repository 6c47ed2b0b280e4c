using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Client;

/// <summary>What a backend service asks the engine. Every answer comes from the customer's grain, in memory.</summary>
public interface ICustomerGrainsClient
{
    /// <summary>The customer as of now (or <paramref name="asOf"/>), or null when no event of theirs has been applied.</summary>
    Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default);

    /// <summary>The tiered service decision for a contact on <paramref name="channel"/> (e.g. <c>phone</c>), or null for an unknown customer.</summary>
    Task<Decision?> GetDecisionAsync(string customerId, string channel, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>An empty grain call: the floor of a call through this client (for load tests and health probes).</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}

internal sealed class CustomerGrainsClient(IClusterClient cluster, CustomerGrainsClientOptions options) : ICustomerGrainsClient
{
    private readonly RetryLimits limits = new(options.Attempts, options.RetryDelay, options.MaxRetryDelay);

    public Task<CustomerSnapshot?> GetCustomerAsync(string customerId, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return TransientCalls.ReadAsync(
            () => cluster.GetGrain<ICustomerGrain>(customerId).GetSnapshotAsync(asOf).WaitAsync(cancellationToken), limits, TimeProvider.System, cancellationToken);
    }

    public Task<Decision?> GetDecisionAsync(string customerId, string channel, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var query = new DecisionQuery { Channel = channel, Reason = reason };
        return TransientCalls.ReadAsync(
            () => cluster.GetGrain<ICustomerGrain>(customerId).GetDecisionAsync(query).WaitAsync(cancellationToken), limits, TimeProvider.System, cancellationToken);
    }

    public Task PingAsync(CancellationToken cancellationToken = default) =>
        cluster.GetGrain<IPingGrain>(0).PingAsync().WaitAsync(cancellationToken);
}
