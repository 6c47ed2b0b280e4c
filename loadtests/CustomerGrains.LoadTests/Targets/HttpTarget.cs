using System.Buffers;
using System.Net.Http.Headers;
using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Targets;

/// <summary>
/// The HTTP API of one host or several (requests go round-robin). Answers are read to the end (their
/// size is reported) into a pooled buffer, never into a string. The measured steps send a
/// <see cref="PreparedGet"/>: its absolute address per host is parsed once, so a send builds no string and
/// parses no URI, and goes straight to the connection pool (no <see cref="HttpClient"/> base-address merge).
/// </summary>
public sealed class HttpTarget : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient[] clients;
    private int next = -1;

    /// <param name="hosts">The hosts, called round-robin.</param>
    /// <param name="connectionsPerHost">The most connections open to one host.</param>
    /// <param name="timeout">How long one request may take (default 10 s).</param>
    /// <param name="apiKey">Sent as <c>X-Api-Key</c> on every request when given (the agent endpoints need one).</param>
    public HttpTarget(IReadOnlyList<Uri> hosts, int connectionsPerHost = 256, TimeSpan? timeout = null, string? apiKey = null)
    {
        if (hosts.Count == 0)
        {
            throw new ArgumentException("At least one host is needed.", nameof(hosts));
        }
        Hosts = hosts;
        clients = [.. hosts.Select(h => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connectionsPerHost,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
        })
        { BaseAddress = h, Timeout = timeout ?? TimeSpan.FromSeconds(10) })];
        if (!string.IsNullOrEmpty(apiKey))
        {
            foreach (var client in clients)
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            }
        }
    }

    public IReadOnlyList<Uri> Hosts { get; }

    public string Describe() => string.Join(", ", Hosts.Select(h => h.ToString().TrimEnd('/')));

    private HttpClient Next() => clients.Length == 1 ? clients[0] : clients[(uint)Interlocked.Increment(ref next) % clients.Length];

    /// <summary>GET; ok when the status is 2xx. For a path sent many times, <see cref="Prepare"/> it once and send that.</summary>
    public async ValueTask<StepResult> GetAsync(string path, CancellationToken cancellation)
    {
        using var response = await Next().GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellation);
        return await ResultAsync(response, cancellation);
    }

    /// <summary><paramref name="path"/> as absolute addresses, one per host, for <see cref="GetAsync(PreparedGet, CancellationToken)"/>.</summary>
    public PreparedGet Prepare(string path) => new([.. Hosts.Select(h => new Uri(h, path))]);

    /// <summary>GET of a prepared path (round-robin over the hosts); ok when the status is 2xx.</summary>
    public async ValueTask<StepResult> GetAsync(PreparedGet get, CancellationToken cancellation)
    {
        var host = clients.Length == 1 ? 0 : (int)((uint)Interlocked.Increment(ref next) % clients.Length);
        using var request = new HttpRequestMessage(HttpMethod.Get, get.Addresses[host]);
        using var response = await clients[host].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        return await ResultAsync(response, cancellation);
    }

    /// <summary>POST of a JSON body; ok when the status is 2xx.</summary>
    public async ValueTask<StepResult> PostJsonAsync(string path, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        using var response = await Next().PostAsync(path, content, cancellation);
        return await ResultAsync(response, cancellation);
    }

    /// <summary>GET with the answer as text, for probes and checks (not for the measured steps).</summary>
    public async Task<(int Status, string Body)> GetTextAsync(string path, CancellationToken cancellation)
    {
        using var response = await clients[0].GetAsync(path, cancellation);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
    }

    /// <summary>POST of a JSON body with the answer as text (for the seed, which must see every refusal).</summary>
    public async Task<(int Status, string Body)> PostTextAsync(string path, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        using var response = await Next().PostAsync(path, content, cancellation);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
    }

    private static async ValueTask<StepResult> ResultAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var status = (int)response.StatusCode;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long size = 0;
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync(cancellation);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellation)) > 0)
            {
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return response.IsSuccessStatusCode ? StepResult.Ok(status, size) : StepResult.Fail(status, size);
    }

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}

/// <summary>A GET path parsed once into an absolute address per host of an <see cref="HttpTarget"/>.</summary>
public sealed class PreparedGet
{
    internal PreparedGet(Uri[] addresses) => Addresses = addresses;

    /// <summary>The address on each host, in the target's host order.</summary>
    internal Uri[] Addresses { get; }
}
