using CustomerGrains.Abstractions;
using Microsoft.AspNetCore.Diagnostics;

namespace CustomerGrains.Host.Api;

/// <summary>
/// A request that still meets a lost silo after the reads' retries (or a call that is not retried) is answered 503 with
/// a retry hint, not 500: nothing was changed, and the cluster recovers by itself within seconds.
/// </summary>
internal sealed class SiloLossExceptionHandler : IExceptionHandler
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientCalls.IsSiloLoss(exception))
        {
            return false;
        }
        await Problems.Unavailable(
            "The silo holding this customer stopped answering. The cluster moves its customers to the other silos within seconds; try again.",
            RetryAfter, "A silo of the cluster is unavailable; nothing of this request was changed").ExecuteAsync(httpContext);
        return true;
    }
}
