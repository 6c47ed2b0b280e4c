using System.Collections.Immutable;
using CustomerGrains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>
/// One agent: the open desktops (observers on the silos that hold the pages' connections) and the current call.
/// Kept in memory only: desktops refresh their subscription every few seconds, so after a silo failure the grain
/// is activated again elsewhere and learns its desktops within one refresh.
/// </summary>
internal sealed partial class AgentGrain(TimeProvider time, ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    /// <summary>A desktop that has not refreshed its subscription for this long is dropped.</summary>
    public static readonly TimeSpan DesktopExpiry = TimeSpan.FromSeconds(60);

    /// <summary>How long the customers of a call stay watched (the longest call worth following live).</summary>
    public static readonly TimeSpan CallWatch = TimeSpan.FromHours(2);

    private readonly Dictionary<IAgentDesktop, DateTimeOffset> desktops = [];
    private CallPush? current;

    public Task SubscribeAsync(IAgentDesktop desktop)
    {
        desktops[desktop] = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IAgentDesktop desktop)
    {
        desktops.Remove(desktop);
        return Task.CompletedTask;
    }

    public async Task<int> RingAsync(CallPush call)
    {
        ArgumentNullException.ThrowIfNull(call);
        current = call;
        var agentId = this.GetPrimaryKeyString();
        // Watch first, so a change that lands while the card is on its way still reaches the desktop.
        await Task.WhenAll(call.Cards.Select(c =>
            GrainFactory.GetGrain<ICustomerGrain>(c.Customer.CustomerId).WatchAsync(agentId, CallWatch)));
        return await NotifyAsync(d => d.OnCallAsync(call));
    }

    public Task<CallPush?> GetCurrentCallAsync() => Task.FromResult(current);

    public async Task<int?> EndCallAsync(string callId)
    {
        if (current?.CallId != callId)
        {
            return null;
        }
        current = null;
        var endedAt = time.GetUtcNow();
        return await NotifyAsync(d => d.OnCallEndedAsync(callId, endedAt));
    }

    public async Task CustomerChangedAsync(string customerId)
    {
        if (current is not { } call || !call.Cards.Any(c => c.Customer.CustomerId == customerId))
        {
            return;
        }
        var card = await GrainFactory.GetGrain<ICustomerGrain>(customerId).GetCardAsync(new DecisionQuery { Channel = "phone" });
        if (card is null || !ReferenceEquals(current, call))
        {
            return;
        }
        current = call with { Cards = [.. call.Cards.Select(c => c.Customer.CustomerId == customerId ? card : c)] };
        await NotifyAsync(d => d.OnCardChangedAsync(call.CallId, card));
    }

    private async Task<int> NotifyAsync(Func<IAgentDesktop, Task> send)
    {
        var now = time.GetUtcNow();
        foreach (var stale in desktops.Where(d => now - d.Value > DesktopExpiry).Select(d => d.Key).ToList())
        {
            desktops.Remove(stale);
        }
        var targets = desktops.Keys.ToImmutableArray();
        var results = await Task.WhenAll(targets.Select(async desktop =>
        {
            try
            {
                await send(desktop);
                return true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The page's connection is gone (closed tab, dead silo): the desktop is dropped until it subscribes again.
                LogDesktopUnreachable(ex, this.GetPrimaryKeyString());
                desktops.Remove(desktop);
                return false;
            }
        }));
        return results.Count(delivered => delivered);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A desktop of agent {AgentId} could not be reached and was dropped")]
    private partial void LogDesktopUnreachable(Exception ex, string agentId);
}
