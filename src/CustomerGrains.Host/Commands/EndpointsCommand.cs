using CustomerGrains.Host.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>endpoints</c>: lists every HTTP endpoint of the engine with who may call it (its policy, <c>public</c>, or
/// <c>signed-in</c> for the fallback), read from the endpoint data source the running engine serves, one per line:
/// <c>METHOD PATTERN ACCESS</c>.
/// </summary>
internal sealed class EndpointsCommand : IHostCommand
{
    public string Name => "endpoints";

    public string Summary => "lists every HTTP endpoint and who may call it (its authorization policy)";

    public async Task<int> RunAsync(string[] arguments)
    {
        await using var app = BuildUnstarted(arguments);
        using var source = new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources);
        var endpoints = source.Endpoints.OfType<RouteEndpoint>();
        foreach (var line in endpoints.SelectMany(Describe).Order(StringComparer.Ordinal))
        {
            Console.WriteLine(line);
        }
        return 0;
    }

    /// <summary>The engine's own wiring, built but not started: nothing listens and no silo runs.</summary>
    internal static WebApplication BuildUnstarted(string[] arguments)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = arguments, ContentRootPath = AppContext.BaseDirectory });
        builder.AddCustomerGrainsHost();
        var app = builder.Build();
        app.MapCustomerGrainsEndpoints();
        return app;
    }

    private static IEnumerable<string> Describe(RouteEndpoint endpoint)
    {
        var access = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? "public"
            : endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().LastOrDefault() ?? "signed-in";
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
        return methods.Select(method => $"{method} /{endpoint.RoutePattern.RawText?.TrimStart('/')} {access}");
    }
}
