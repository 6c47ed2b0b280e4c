using CustomerGrains.Grains.Service;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>The kinds of request body an endpoint takes, each with its own size limit (endpoint metadata).</summary>
public enum BodyKind
{
    /// <summary>A small form: sign-in, a note, a preference, a ring (<c>Requests:MaxBodyBytes</c>, default 64 KiB).</summary>
    Small,

    /// <summary>A policy document or a what-if (<c>Requests:MaxPolicyBodyBytes</c>, default 1 MiB).</summary>
    Policy,

    /// <summary>A batch of events (<c>Ingest:MaxBodyBytes</c>, default 8 MiB).</summary>
    Events,
}

/// <summary>
/// Every request body has the limit of its endpoint: one that says it is larger is answered 413 before it is read, one
/// that grows past it while being read (chunked) makes Kestrel stop reading, which is answered 413 too, never 500.
/// </summary>
internal static class RequestBodies
{
    /// <summary>Marks the body kind of an endpoint.</summary>
    public static TBuilder TakesBody<TBuilder>(this TBuilder builder, BodyKind kind) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyKindMetadata(kind));

    private sealed record BodyKindMetadata(BodyKind Kind);

    /// <summary>Sets the body limit of each request from its endpoint, and refuses a body without a content type; after routing and authorization.</summary>
    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var kind = context.GetEndpoint()?.Metadata.GetMetadata<BodyKindMetadata>()?.Kind ?? BodyKind.Small;
            var limit = LimitOf(context.RequestServices, kind);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }
            if (context.Request.ContentLength > limit)
            {
                return TooLarge(limit, context.Request.ContentLength).ExecuteAsync(context);
            }
            // Routing refuses a wrong content type of an endpoint that declares what it accepts, but lets a body without one through.
            if (context.Request.ContentType is null && context.Request.ContentLength is not 0
                && (context.Request.ContentLength is not null || context.Request.Headers.TransferEncoding.Count > 0)
                && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { } accepts)
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type",
                    detail: $"This endpoint takes a body of type {string.Join(" or ", accepts.ContentTypes)}; the request has no Content-Type.").ExecuteAsync(context);
            }
            return next(context);
        });
        return app;
    }

    private static long LimitOf(IServiceProvider services, BodyKind kind) => kind switch
    {
        BodyKind.Events => services.GetRequiredService<IOptions<IngestOptions>>().Value.MaxBodyBytes,
        BodyKind.Policy => services.GetRequiredService<IOptions<RequestOptions>>().Value.MaxPolicyBodyBytes,
        _ => services.GetRequiredService<IOptions<RequestOptions>>().Value.MaxBodyBytes,
    };

    public static IResult TooLarge(long? limit, long? length) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large; nothing of it was accepted",
        detail: (limit is { } max ? $"This endpoint accepts at most {max} bytes" : "This endpoint accepts fewer bytes")
                + (length is { } size ? $"; the body has {size}." : ".") + " Split a batch of events into several requests.");

    /// <summary>Answers Kestrel's refusals of a request (a body past its limit, a malformed body) with their status, not 500.</summary>
    internal sealed class BadRequestHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
            {
                return false;
            }
            var result = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize, null)
                : Results.Problem(statusCode: bad.StatusCode, title: "The request is malformed; nothing of it was accepted", detail: bad.Message);
            await result.ExecuteAsync(httpContext);
            return true;
        }
    }
}
