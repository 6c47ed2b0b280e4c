using CustomerGrains.Host.Commands;
using CustomerGrains.Host.Hosting;

if (HostCommands.IsCommand(args))
{
    return await HostCommands.InvokeAsync(args);
}

// appsettings.json is read from beside the executable, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCustomerGrainsHost();

var app = builder.Build();
app.MapCustomerGrainsEndpoints();
await app.RunAsync();
return 0;
