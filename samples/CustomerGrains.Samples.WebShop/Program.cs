// A web shop's backend talking to CustomerGrains through the typed client, as the README's "From a backend service" shows.
// Start the engine (dotnet run --project src/CustomerGrains.Host), then:
//   dotnet run --project samples/CustomerGrains.Samples.WebShop [--CustomerGrains:Client:Gateways:0=127.0.0.1:30000] [--Sample:CustomerId=c-42]
using CustomerGrains.Abstractions;
using CustomerGrains.Client;
using CustomerGrains.Domain.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddCustomerGrainsClient(o => o.ServiceName ??= "web-shop-sample");
using var host = builder.Build();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await host.StartAsync(stop.Token);
var engine = host.Services.GetRequiredService<ICustomerGrainsClient>();

var customerId = builder.Configuration["Sample:CustomerId"] ?? $"webshop-{Guid.NewGuid():N}"[..20];
var now = DateTimeOffset.UtcNow;

// 1. The shop records who the customer is and what they bought. The engine validates the batch whole.
var outcome = await engine.IngestAsync(
[
    new ProfileChanged
    {
        EventId = $"{customerId}-profile", CustomerId = customerId, OccurredAt = now.AddMinutes(-1), Source = "web-shop",
        Name = "Sample Customer", Email = "sample@example.com",
        Consents = System.Collections.Immutable.ImmutableDictionary<ConsentChannel, bool>.Empty.Add(ConsentChannel.Email, true),
    },
    new PurchaseMade
    {
        EventId = $"{customerId}-order-1", CustomerId = customerId, OccurredAt = now, Source = "web-shop",
        OrderId = "order-1", Amount = 249.90m, Currency = "EUR", Lines = [new PurchaseLine("electronics", 1, 249.90m)],
        PaymentMethod = PaymentMethod.Card, Channel = Channel.Web,
    },
], stop.Token);
if (outcome.Status != IngestStatus.Accepted)
{
    Console.Error.WriteLine($"ingest refused: {outcome.Problem}: {string.Join("; ", outcome.Errors)}");
    return 1;
}
Console.WriteLine($"ingested: {string.Join(", ", outcome.Accepted)} (duplicates: {outcome.Duplicates.Length})");

// 2. The events reach the customer's grain a moment after the append; then the decision for a web visit is ready.
var decision = await engine.GetDecisionAsync(customerId, "web", cancellationToken: stop.Token);
while (decision is null)
{
    await Task.Delay(TimeSpan.FromMilliseconds(100), stop.Token);
    decision = await engine.GetDecisionAsync(customerId, "web", cancellationToken: stop.Token);
}
Console.WriteLine($"decision: tier {decision.Service.Tier} ({decision.Service.TierName}), stage {EnumNames.Of(decision.Stage)}, " +
                  $"marketing {EnumNames.Of(decision.Marketing.Mode)}, actions: {string.Join(", ", decision.Actions.Select(a => a.Action))}");

// 3. A batch read: this customer and one the engine has never seen.
var unknown = $"{customerId}-nobody";
var batch = await engine.ReadBatchAsync(new CustomerBatchQuery { CustomerIds = [customerId, unknown] }, stop.Token);
foreach (var customer in batch.Customers)
{
    Console.WriteLine($"batch: {customer.CustomerId} spent {customer.Purchases.NetSpend} in {customer.Purchases.Purchases} purchase(s)");
}
Console.WriteLine($"batch unknown: {string.Join(", ", batch.Unknown)}");

// 4. The change feed: the customer's tier and stage as the engine publishes them (once its grain writes its read-model row,
// within the engine's Snapshots:Interval). A real shop keeps the position of the last change it handled and passes it as
// `after` when it starts again, so it misses nothing and sees nothing twice; this sample starts from the beginning.
await foreach (var change in engine.WatchChangesAsync(after: 0, TimeSpan.FromMilliseconds(500), stop.Token))
{
    if (change.CustomerId != customerId)
    {
        continue;
    }
    Console.WriteLine($"change {change.Position}: {change.Kind} {change.From ?? "-"} -> {change.To ?? "-"}");
    if (change.Kind == CustomerChangeKinds.Stage)
    {
        break;
    }
}

await host.StopAsync();
return 0;
