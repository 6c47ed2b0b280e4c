using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>
/// A tiny HTTP server on a free loopback port that the tests control: <c>/fast</c> answers at once;
/// <c>/stall</c> answers at once too, except that its <see cref="StallAfter"/>-th request freezes the
/// whole server for <see cref="StallFor"/> (every request arriving meanwhile waits until then), as a
/// garbage collection or a blocked thread pool would.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private long stallRequests;
    private long stallUntil;

    private StubServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int StallAfter { get; init; } = 100;

    public TimeSpan StallFor { get; init; } = TimeSpan.FromSeconds(1);

    public long Requests => Interlocked.Read(ref stallRequests);

    public static async Task<StubServer> StartAsync(int stallAfter = 100)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new StubServer(app) { StallAfter = stallAfter };
        app.MapGet("/fast", () => Results.Text("ok"));
        app.MapGet("/stall", server.StallAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    private async Task<IResult> StallAsync()
    {
        if (Interlocked.Increment(ref stallRequests) == StallAfter)
        {
            Interlocked.Exchange(ref stallUntil, Stopwatch.GetTimestamp() + (long)(StallFor.TotalSeconds * Stopwatch.Frequency));
        }
        var until = Interlocked.Read(ref stallUntil);
        var wait = until - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
        }
        return Results.Text("ok");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
