using Microsoft.Extensions.Logging.Console;

namespace CustomerGrains.Host.Hosting;

/// <summary>
/// Console logs: text by default; one JSON object a line with <c>Logging:Console:FormatterName=json</c> (the standard
/// console logger setting), each entry carrying its scopes, among them the trace and span ids of the request or grain
/// call it was written in, and a UTC timestamp. What the engine logs names customers by id only, never by contact data.
/// </summary>
public static class Logs
{
    public static WebApplicationBuilder AddCustomerGrainsLogs(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });
        return builder;
    }
}
