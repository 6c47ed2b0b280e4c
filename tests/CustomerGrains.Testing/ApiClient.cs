using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>
/// The engine's HTTP API as a user's tool calls it: <see cref="Http"/> as a backend service with every scope (the demo
/// service key, unless a request carries a key of its own), <see cref="Anonymous"/> with no credentials at all.
/// </summary>
public sealed class ApiClient(Uri baseAddress, string apiKey = DemoKeys.Service) : IDisposable
{
    private readonly HttpClient http = new(new DefaultKey(apiKey) { InnerHandler = new HttpClientHandler() })
    {
        BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly HttpClient anonymous = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient Http => http;

    public HttpClient Anonymous => anonymous;

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostEventsAsync(JsonObject batch)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/interactions", UriKind.Relative), batch);
        return (response.StatusCode, await BodyAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetCustomerAsync(string customerId, string? asOf = null)
    {
        var path = $"/api/customers/{Uri.EscapeDataString(customerId)}" + (asOf is null ? "" : $"?asOf={Uri.EscapeDataString(asOf)}");
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await BodyAsync(response));
    }

    /// <summary>Polls the customer until <paramref name="appliedEvents"/> events are applied; returns the snapshot.</summary>
    public async Task<JsonElement> WaitForAppliedEventsAsync(string customerId, int appliedEvents, TimeSpan? timeout = null) =>
        (await Eventually.UntilAsync(
            () => GetCustomerAsync(customerId),
            r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("appliedEvents").GetInt32() >= appliedEvents,
            $"customer {customerId} to show {appliedEvents} applied events",
            timeout)).Body;

    /// <summary>Sends <paramref name="body"/> (if any) to <paramref name="path"/> with <paramref name="key"/> (null: the client's key); answers the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpMethod method, string path, JsonObject? body = null, string? key = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (key is not null)
        {
            request.Headers.Add(DemoKeys.Header, key);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await BodyAsync(response));
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose()
    {
        http.Dispose();
        anonymous.Dispose();
    }

    /// <summary>Adds the client's key to a request that carries none of its own.</summary>
    private sealed class DefaultKey(string key) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.Headers.Contains(DemoKeys.Header))
            {
                request.Headers.Add(DemoKeys.Header, key);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
