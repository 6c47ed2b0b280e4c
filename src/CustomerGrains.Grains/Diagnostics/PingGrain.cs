using CustomerGrains.Abstractions;
using Orleans.Concurrency;

namespace CustomerGrains.Grains.Diagnostics;

/// <summary>Does nothing, on whichever silo the call lands (stateless worker, local activations).</summary>
[StatelessWorker]
internal sealed class PingGrain : Grain, IPingGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
