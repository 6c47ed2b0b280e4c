using System.Collections.Immutable;
using CustomerGrains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>
/// One agent: the open desktops (observers on the silos that hold the pages' connections) and the open calls.
/// Kept in memory only: desktops refresh their subscription every few seconds, so after a silo failure the grain
/// is activated again elsewhere and learns its desktops within one refresh.
/// </summary>
internal sealed partial class AgentGrain(TimeProvider time, ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    /// <summary>A desktop that has not refreshed its subscription for this long is dropped.</summary>
    public static readonly TimeSpan DesktopExpiry = TimeSpan.FromSeconds(60);

    /// <summary>How long the customers of a call stay watched (the longest call worth following live).</summary>
    public static readonly TimeSpan CallWatch = TimeSpan.FromHours(2);

    /// <summary>At most this many calls are open at once; a further ring drops the oldest (its hang-up was lost).</summary>
    public const int MaxOpenCalls = 8;

    private readonly Dictionary<IAgentDesktop, DateTimeOffset> desktops = [];
    private ImmutableList<CallPush> open = [];

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
        // Calls whose hang-up never came are not kept for ever: gone after the watch, and the oldest beyond the limit.
        var kept = open.RemoveAll(c => c.CallId == call.CallId || time.GetUtcNow() - c.RangAt > CallWatch);
        open = kept.Count >= MaxOpenCalls ? kept.RemoveRange(0, kept.Count - MaxOpenCalls + 1).Add(call) : kept.Add(call);
        var agentId = this.GetPrimaryKeyString();
        // Watch first, so a change that lands while the card is on its way still reaches the desktop.
        await Task.WhenAll(call.Cards.Select(c =>
            GrainFactory.Customer(c.Customer.CustomerId).WatchAsync(agentId, CallWatch)));
        return await NotifyAsync(d => d.OnCallAsync(call));
    }

    public Task<ImmutableArray<CallPush>> GetOpenCallsAsync() => Task.FromResult(open.ToImmutableArray());

    public async Task<int?> AnswerCallAsync(string callId)
    {
        var i = open.FindIndex(c => c.CallId == callId);
        if (i < 0)
        {
            return null;
        }
        var answered = open[i] with { AnsweredAt = open[i].AnsweredAt ?? time.GetUtcNow() };
        open = open.SetItem(i, answered);
        return await NotifyAsync(d => d.OnCallAsync(answered));
    }

    public async Task<int?> EndCallAsync(string callId)
    {
        if (open.Find(c => c.CallId == callId) is not { } call)
        {
            return null;
        }
        open = open.Remove(call);
        var endedAt = time.GetUtcNow();
        return await NotifyAsync(d => d.OnCallEndedAsync(callId, endedAt));
    }

    public async Task CustomerChangedAsync(string customerId)
    {
        if (!open.Any(c => OnCall(c, customerId)))
        {
            return;
        }
        var card = await GrainFactory.Customer(customerId).GetCardAsync(new DecisionQuery { Channel = "phone" });
        if (card is null)
        {
            return;
        }
        // Every open call the customer is on (still open after the read) gets the fresh card.
        var changed = open.Where(c => OnCall(c, customerId)).ToList();
        open = open.ConvertAll(c => OnCall(c, customerId)
            ? c with { Cards = [.. c.Cards.Select(x => x.Customer.CustomerId == customerId ? card : x)] }
            : c);
        foreach (var call in changed)
        {
            await NotifyAsync(d => d.OnCardChangedAsync(call.CallId, card));
        }
    }

    private static bool OnCall(CallPush call, string customerId) => call.Cards.Any(c => c.Customer.CustomerId == customerId);

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
