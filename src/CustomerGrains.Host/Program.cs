using CustomerGrains.Host.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCustomerGrainsHost();

var app = builder.Build();
app.MapCustomerGrainsEndpoints();
await app.RunAsync();
