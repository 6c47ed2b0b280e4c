namespace CustomerGrains.Testing;

/// <summary>A real host on its own data directory, started once and shared by a test collection.</summary>
public class RunningHost : IAsyncDisposable
{
    private readonly TempDirectory data = new("host");

    public RunningHost() => Host = new HostProcess(data.Path, Settings);

    /// <summary>Extra settings passed on the host's command line.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public HostProcess Host { get; }

    public ApiClient Api => api ??= new ApiClient(Host.BaseAddress);

    private ApiClient? api;

    public virtual async ValueTask InitializeAsync() => await Host.StartAsync();

    public virtual async ValueTask DisposeAsync()
    {
        api?.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
        data.Dispose();
        GC.SuppressFinalize(this);
    }
}
