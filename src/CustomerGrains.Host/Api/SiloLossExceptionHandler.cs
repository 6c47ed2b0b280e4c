using CustomerGrains.Abstractions;
using Microsoft.AspNetCore.Diagnostics;

namespace CustomerGrains.Host.Api;

/// <summary>
/// A request that still meets a lost silo after the reads' retries (or a call that is not retried) is answered 503 with
/// a retry hint, not 500: nothing was changed, and the cluster recovers by itself within seconds.
/// </summary>
internal sealed class SiloLossExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    private const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientCalls.IsSiloLoss(exception))
        {
            return false;
        }
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "A silo of the cluster is unavailable; nothing of this request was changed",
                Detail = "The silo holding this customer stopped answering. The cluster moves its customers to the other silos within seconds; try again.",
                Extensions = { ["retryAfterSeconds"] = RetryAfterSeconds },
            },
        });
    }
}
