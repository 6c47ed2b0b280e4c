using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerGrains.Host.Hosting;

/// <summary>Ready when the silo is an active member of its cluster.</summary>
internal sealed class SiloReadyCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"silo is {silo.CurrentStatus}"));
}

/// <summary>Ready when the interaction log's storage answers.</summary>
internal sealed class InteractionLogReadyCheck(IInteractionLog log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await log.IsAvailableAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the interaction log's storage does not answer");
}
