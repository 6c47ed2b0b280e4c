using System.Net;
using System.Text;
using System.Text.Json;

namespace CustomerGrains.Testing;

/// <summary>The agent desktop's live feed (<c>GET /api/agent/events</c>, server-sent events) read as a browser's EventSource reads it.</summary>
public sealed class DesktopFeed : IDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private DesktopFeed(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    /// <summary>Opens the feed of the agent whose API key is <paramref name="key"/> (null: the session cookie of <paramref name="http"/>).</summary>
    public static async Task<DesktopFeed> OpenAsync(HttpClient http, string? key, CancellationToken cancellationToken)
    {
        var (status, feed) = await TryOpenAsync(http, key, cancellationToken);
        return feed ?? throw new InvalidOperationException($"The desktop feed answered {(int)status} instead of an event stream.");
    }

    /// <summary>Opens the feed, or answers the status it was refused with (and no feed).</summary>
    public static async Task<(HttpStatusCode Status, DesktopFeed? Feed)> TryOpenAsync(HttpClient http, string? key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/agent/events", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var status = response.StatusCode;
            response.Dispose();
            return (status, null);
        }
        return (response.StatusCode, new DesktopFeed(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8)));
    }

    /// <summary>Waits until the host ends the feed (fails after <paramref name="timeout"/>, default 30 s).</summary>
    public async Task WaitForEndAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(limit.Token) is not null)
        {
        }
    }

    /// <summary>
    /// The next <c>call</c> event of the call <paramref name="callId"/>: a feed opened during another call gets that one
    /// first, and it is skipped.
    /// </summary>
    public Task<JsonElement> NextCallAsync(string callId, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        NextAsync("call", cancellationToken, timeout, data => data.GetProperty("callId").GetString() == callId);

    /// <summary>
    /// The data of the next event named <paramref name="name"/> (and matching <paramref name="match"/>, when given; others
    /// are skipped); fails after <paramref name="timeout"/> (default 30 s).
    /// </summary>
    public async Task<JsonElement> NextAsync(string name, CancellationToken cancellationToken, TimeSpan? timeout = null, Func<JsonElement, bool>? match = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        string? eventName = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
            else if (line.Length == 0)
            {
                if (eventName == name && JsonDocument.Parse(data.ToString()).RootElement.Clone() is var found && (match is null || match(found)))
                {
                    return found;
                }
                eventName = null;
                data.Clear();
            }
        }
        throw new InvalidOperationException($"The desktop feed ended before a '{name}' event.");
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
