using CustomerGrains.Grains.Calls;
using CustomerGrains.Host.Hosting;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>The API's reads of grains: a read that meets a silo which just died is tried again until the cluster has moved on.</summary>
public sealed class GrainReads(IGrainFactory grains, TimeProvider time, IOptions<ReadOptions> options)
{
    public Task<T> ReadAsync<T>(Func<IGrainFactory, Task<T>> read, CancellationToken cancellationToken) =>
        SiloLoss.ReadAsync(() => read(grains), time, options.Value.SiloLossRetry, cancellationToken);
}
