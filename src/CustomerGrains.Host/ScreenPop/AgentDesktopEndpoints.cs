using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Service;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Api;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.ScreenPop;

/// <summary>
/// <c>GET /api/agent/events</c>: the agent desktop's live connection (server-sent events). The silo that holds the
/// connection registers an observer with the agent's grain, wherever that grain lives, so a ring announced on any
/// silo reaches the page: <c>ready</c> once subscribed (with the base currency), <c>call</c> when a call rings or is
/// answered, <c>card</c> when a customer on an open call changes, <c>ended</c> when the telephony system hangs up (a page
/// opened during calls gets the open calls after <c>ready</c>). Cards are masked for the signed-in role, and every pop is recorded in the audit trail. Every
/// <see cref="AgentOptions.SessionCheckInterval"/> the connection renews its subscription (the grain drops desktops
/// silent for a minute) and checks its session: one that ended (signed out, user removed or given another role,
/// longest lifetime reached) gets <c>signed-out</c> with the reason and the feed ends. A user has at most
/// <see cref="AgentOptions.MaxFeedsPerUser"/> feeds open across the cluster; one more is refused with 429.
/// </summary>
internal static partial class AgentDesktopEndpoints
{
    public static RouteGroupBuilder MapAgentDesktopEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/agent/events", StreamAsync)
            .RequireAuthorization(Roles.ServesCustomers)
            .WithName("AgentEvents")
            .WithSummary("The signed-in agent's live desktop feed (text/event-stream): ready, call, card and ended events")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    private static async Task StreamAsync(
        HttpContext context, ClaimsPrincipal user, IGrainFactory grains, Auditing auditing, AgentSessions sessions,
        IOptions<AgentOptions> agentOptions, IOptions<MoneyOptions> money, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, ILoggerFactory loggers,
        CancellationToken requestAborted)
    {
        var (agentId, role) = user.Caller();
        var feedId = Guid.NewGuid().ToString("N");
        if (!await sessions.HoldFeedAsync(agentId, feedId))
        {
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many open desktops",
                detail: $"{agentId} already has {agentOptions.Value.MaxFeedsPerUser} desktop feeds open; close one (another tab or machine) first.")
                .ExecuteAsync(context);
            return;
        }
        // The feed ends when the page goes or the host stops (else a stop would wait for every open desktop).
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var cancellationToken = ending.Token;
        var logger = loggers.CreateLogger(typeof(AgentDesktopEndpoints));
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        var inbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
        var serializer = json.Value.SerializerOptions;

        async Task SendAsync(string name, object data)
        {
            await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, serializer)}\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        async Task PopAsync(CallPush call, string detail)
        {
            await auditing.RecordAsync(agentId, role, call.Cards.Select(c => c.Customer.CustomerId), "pop", detail, cancellationToken);
            await SendAsync("call", call with { Cards = [.. call.Cards.Select(c => ScreenPopService.MaskFor(role, c))] });
        }

        var desktop = new Desktop(
            call => inbox.Writer.TryWrite(() => PopAsync(call, $"call {call.CallId} from {call.E164}")),
            (callId, card) => inbox.Writer.TryWrite(async () =>
            {
                await auditing.RecordAsync(agentId, role, [card.Customer.CustomerId], "live-update", $"call {callId}", cancellationToken);
                await SendAsync("card", new CardUpdate(callId, ScreenPopService.MaskFor(role, card)));
            }),
            (callId, endedAt) => inbox.Writer.TryWrite(() => SendAsync("ended", new CallEnded(callId, endedAt))));
        var reference = grains.CreateObjectReference<IAgentDesktop>(desktop);
        var agent = grains.Reference<IAgentGrain>(agentId);
        try
        {
            await agent.SubscribeAsync(reference);
            // The page shows money in the engine's base currency (the budgets and sums are counted in it).
            await SendAsync("ready", new { agentId, role, currency = money.Value.BaseCurrency });
            // A page opened (or reloaded) during calls shows them again, oldest first.
            foreach (var ongoing in await agent.GetOpenCallsAsync())
            {
                inbox.Writer.TryWrite(() => PopAsync(ongoing, $"call {ongoing.CallId} from {ongoing.E164}, shown again on a new page"));
            }
            using var refresh = new PeriodicTimer(agentOptions.Value.SessionCheckInterval);
            var tick = refresh.WaitForNextTickAsync(cancellationToken).AsTask();
            Task<bool>? next = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                next ??= inbox.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(next, tick) == tick)
                {
                    await tick;
                    if (await sessions.WhyEndedAsync(user) is { } ended)
                    {
                        await SendAsync("signed-out", new { reason = ended });
                        return;
                    }
                    await sessions.HoldFeedAsync(agentId, feedId);
                    await agent.SubscribeAsync(reference);
                    await response.WriteAsync(": still here\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    tick = refresh.WaitForNextTickAsync(cancellationToken).AsTask();
                    continue;
                }
                await next;
                next = null;
                while (inbox.Reader.TryRead(out var work))
                {
                    await work();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page was closed or the host is stopping.
        }
        finally
        {
            try
            {
                await agent.UnsubscribeAsync(reference);
                await sessions.ReleaseFeedAsync(agentId, feedId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogUnsubscribeFailed(logger, ex, agentId);
            }
            grains.DeleteObjectReference<IAgentDesktop>(reference);
            GC.KeepAlive(desktop);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A closed desktop of agent {AgentId} could not be unsubscribed; the grain drops it when it expires")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception ex, string agentId);

    /// <summary>The observer object: hands each notification to the connection's loop and returns at once.</summary>
    private sealed class Desktop(Func<CallPush, bool> onCall, Func<string, CustomerCard, bool> onCard, Func<string, DateTimeOffset, bool> onEnded)
        : IAgentDesktop
    {
        public Task OnCallAsync(CallPush call)
        {
            onCall(call);
            return Task.CompletedTask;
        }

        public Task OnCardChangedAsync(string callId, CustomerCard card)
        {
            onCard(callId, card);
            return Task.CompletedTask;
        }

        public Task OnCallEndedAsync(string callId, DateTimeOffset endedAt)
        {
            onEnded(callId, endedAt);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The call <c>callId</c> ended at <c>endedAt</c>.</summary>
public sealed record CallEnded(string CallId, DateTimeOffset EndedAt);

/// <summary>A changed card of the customer on call <c>callId</c>.</summary>
public sealed record CardUpdate(string CallId, CustomerCard Card);
