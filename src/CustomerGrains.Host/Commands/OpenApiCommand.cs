using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>openapi [--out FILE]</c>: writes the OpenAPI document the running engine serves at <c>/openapi/v1.json</c>, made from
/// the same wiring without starting it, to FILE (the repository keeps it as <c>docs/openapi.json</c>) or to standard output.
/// </summary>
internal sealed class OpenApiCommand : IHostCommand
{
    public string Name => "openapi";

    public string Summary => "writes the OpenAPI document the engine serves, to a file or standard output";

    public async Task<int> RunAsync(string[] arguments)
    {
        var at = Array.IndexOf(arguments, "--out");
        if (at >= 0 && at == arguments.Length - 1)
        {
            await Console.Error.WriteLineAsync("openapi: --out needs a file name");
            return 2;
        }
        var output = at >= 0 ? arguments[at + 1] : null;
        var rest = at >= 0 ? [.. arguments[..at], .. arguments[(at + 2)..]] : arguments;

        await using var app = EndpointsCommand.BuildUnstarted(rest);
        // Routing learns the endpoints when the pipeline is set up at start; without a start, UseEndpoints hands them over,
        // and the API explorer finds them there.
        app.UseRouting();
        app.UseEndpoints(_ => { });
        var document = await app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
        var json = (await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1)).ReplaceLineEndings("\n") + "\n";
        if (output is null)
        {
            await Console.Out.WriteAsync(json);
        }
        else
        {
            await File.WriteAllTextAsync(output, json);
            Console.WriteLine($"wrote {Path.GetFullPath(output)}");
        }
        return 0;
    }
}
