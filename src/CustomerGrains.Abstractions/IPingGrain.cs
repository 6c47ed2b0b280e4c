using Orleans.Concurrency;

namespace CustomerGrains.Abstractions;

/// <summary>
/// An empty grain call: the floor of any grain call's latency (the Orleans messaging and scheduling cost
/// without work or state), measured by the load runner beside the engine's figures.
/// </summary>
[Alias("CustomerGrains.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Answers at once, doing nothing.</summary>
    [ReadOnly]
    [Alias("Ping")]
    Task PingAsync();
}
