using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CustomerGrains.Host.ScreenPop;

/// <summary>Serves the agent desktop page (<c>/agent/</c>) and its assets from wwwroot beside the executable, nothing from elsewhere.</summary>
internal static class AgentDesktop
{
    // Everything the page loads comes from this host; nothing inline, nothing from a CDN.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication UseAgentDesktop(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot", "agent");
        if (!Directory.Exists(root))
        {
            return app;
        }
        // The file middlewares answer only under /agent: every other request (the whole API) passes them without a
        // look at the disk (without a request path they would stat a file for every API call).
        var files = new PhysicalFileProvider(root);
        var page = new PathString("/agent");
        // "/agent" alone becomes "/agent/" (an endpoint for "/agent" would also match "/agent/" and loop).
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value is "/agent")
            {
                context.Response.Redirect("/agent/" + context.Request.QueryString);
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = page });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = page,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }
}
