using CustomerGrains.Host.Commands;
using CustomerGrains.Host.Hosting;

if (HostCommands.Find(args) is { } command)
{
    return await command.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddCustomerGrainsHost();

var app = builder.Build();
app.MapCustomerGrainsEndpoints();
await app.RunAsync();
return 0;
