using CustomerGrains.Abstractions;

namespace CustomerGrains.Grains.Customers;

/// <summary>The agents watching one customer while the customer is on their call, each until a moment; told of every change.</summary>
internal sealed class Watchers
{
    private Dictionary<string, DateTimeOffset>? until;

    /// <summary>Tells <paramref name="agentId"/> of changes until <paramref name="end"/>.</summary>
    public void Watch(string agentId, DateTimeOffset end) => (until ??= new(StringComparer.Ordinal))[agentId] = end;

    /// <summary>Tells every agent still watching that <paramref name="customerId"/> changed; forgets those whose time is up.</summary>
    public async Task NotifyAsync(IGrainFactory grains, string customerId, DateTimeOffset now)
    {
        if (until is null || until.Count == 0)
        {
            return;
        }
        foreach (var (agentId, end) in until.ToList())
        {
            if (end < now)
            {
                until.Remove(agentId);
                continue;
            }
            await grains.Reference<IAgentGrain>(agentId).CustomerChangedAsync(customerId);
        }
    }
}
