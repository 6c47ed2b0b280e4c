using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerGrains.Client.Tests;

public sealed class ClientTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly RunningHost engine = new();
    private IHost service = null!;

    public async ValueTask InitializeAsync()
    {
        await engine.InitializeAsync();
        // A backend service's host, connected to the engine as the README shows.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddCustomerGrainsClient(o => o.Gateways.Add($"127.0.0.1:{engine.Host.GatewayPort}"));
        service = builder.Build();
        await service.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await service.StopAsync(CancellationToken.None);
        service.Dispose();
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task A_backend_service_reads_the_customer_the_api_ingested()
    {
        await engine.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Purchase("s1", "sara", Day, 70m),
            EventJson.Contact("s2", "sara", Day.AddDays(1), emotion: "suspicious")));
        var client = service.Services.GetRequiredService<ICustomerGrainsClient>();

        var snapshot = await Eventually.UntilAsync(
            () => client.GetCustomerAsync("sara", cancellationToken: TestContext.Current.CancellationToken),
            s => s?.AppliedEvents == 2, "sara to show both events through the client");

        Assert.Equal(70m, snapshot!.Purchases.NetSpend);
        Assert.Equal("suspicious", snapshot.LastMood!.Emotion);
        Assert.Null(await client.GetCustomerAsync("nobody-" + Guid.NewGuid(), cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_customer_deactivated_in_the_engine_comes_back_with_every_event()
    {
        await engine.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase("t1", "tom", Day, 10m)));
        await engine.Api.WaitForAppliedEventsAsync("tom", 1);

        // Deactivate every idle grain of the engine, as memory pressure or idleness would.
        var cluster = service.Services.GetRequiredService<IClusterClient>();
        await cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);

        await engine.Api.PostEventsAsync(EventJson.Batch(EventJson.Purchase("t2", "tom", Day.AddDays(2), 15m)));
        var snapshot = await Eventually.UntilAsync(
            () => service.Services.GetRequiredService<ICustomerGrainsClient>().GetCustomerAsync("tom", cancellationToken: TestContext.Current.CancellationToken),
            s => s?.AppliedEvents == 2, "tom to show both events after reactivation");
        Assert.Equal(25m, snapshot!.Purchases.NetSpend);
    }

    [Fact]
    public void Invalid_gateway_settings_are_all_reported_before_connecting()
    {
        var options = new CustomerGrainsClientOptions { ClusterId = " " };
        options.Gateways.Add("localhost");
        options.Gateways.Add("127.0.0.1:99999");
        var error = Assert.Throws<ArgumentException>(() => options.ResolveGateways());
        Assert.Contains("'localhost' is not host:port", error.Message, StringComparison.Ordinal);
        Assert.Contains("'127.0.0.1:99999'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClusterId", error.Message, StringComparison.Ordinal);
    }
}
