using CustomerGrains.Domain.Events;

namespace CustomerGrains.Host.Api;

/// <summary>RFC 7807 problem responses of the API.</summary>
internal static class Problems
{
    public static IResult InvalidEvents(IReadOnlyList<FieldError> errors) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The batch has invalid events; none of it was accepted",
        detail: string.Join("; ", errors.Take(20).Select(e => e.ToString())) + (errors.Count > 20 ? $"; and {errors.Count - 20} more" : ""),
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new { index = e.Index, field = e.Field, message = e.Message }).ToArray(),
        });

    /// <summary>A query refused whole, each problem (<c>field: message</c>) listed under <c>errors</c> as <c>{field, message}</c>.</summary>
    public static IResult InvalidQuery(string title, IReadOnlyList<string> problems) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: title,
        detail: string.Join("; ", problems),
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = problems.Select(p => p.Split(": ", 2)).Select(p => new { field = p[0], message = p.Length > 1 ? p[1] : "" }).ToArray(),
        });

    /// <summary>Parses the request body as JSON; on malformed JSON returns the 400 to answer instead.</summary>
    public static async Task<(System.Text.Json.JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return (await System.Text.Json.JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken), null);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, BadRequest("The body is not valid JSON", ex.Message));
        }
    }

    public static IResult BadRequest(string title, string detail) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    public static IResult NotFound(string title, string detail) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static IResult UnknownCustomer(string id) => NotFound("Unknown customer", $"No interaction of customer '{id}' has been applied.");

    /// <summary>
    /// A read the customer's grain refused, in the grain's own words: a moment before the last applied event (out of
    /// range) or an unknown channel. The message is cut before the " (Parameter ...)" suffix .NET appends.
    /// </summary>
    public static IResult InvalidRead(ArgumentException refused) => BadRequest(
        refused is ArgumentOutOfRangeException ? "asOf is too early" : "The read is invalid",
        refused.Message.Split(" (Parameter", 2)[0]);

    /// <summary>503 with a public <paramref name="detail"/>; the internal <paramref name="diagnostic"/> (a host, a path, a driver's message) only reaches supervisors.</summary>
    /// <summary>A 503 that says when to try again, in the <c>Retry-After</c> header and as <c>retryAfterSeconds</c>.</summary>
    public static IResult Unavailable(string detail, TimeSpan retryAfter, string title = "Storage is unavailable; nothing of this request was accepted", string? diagnostic = null)
    {
        var extensions = new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)retryAfter.TotalSeconds };
        if (diagnostic is not null)
        {
            extensions[ProblemDisclosure.Diagnostic] = diagnostic;
        }
        return WithRetryAfter(Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail, extensions: extensions), retryAfter);
    }

    /// <summary><paramref name="answer"/> with a <c>Retry-After</c> header, so clients and proxies back off without reading the body.</summary>
    public static IResult WithRetryAfter(IResult answer, TimeSpan retryAfter) => new RetryAfterResult(answer, (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds)));

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
