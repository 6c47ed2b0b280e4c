using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Service;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>
/// The API's reads of grains: a read that meets a silo which just died is tried again (pauses of 100 ms doubling to 1 s)
/// until the cluster has moved that silo's grains, within <see cref="ReadOptions.SiloLossRetry"/>.
/// </summary>
public sealed class GrainReads(IGrainFactory grains, TimeProvider time, IOptions<ReadOptions> options) : IGrainReader
{
    private readonly RetryLimits limits = new(int.MaxValue, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), options.Value.SiloLossRetry);

    public Task<T> ReadAsync<T>(Func<IGrainFactory, Task<T>> read, CancellationToken cancellationToken) =>
        TransientCalls.ReadAsync(() => read(grains), limits, time, cancellationToken);
}
