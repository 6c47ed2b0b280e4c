using System.Net;
using System.Net.Http.Json;

namespace CustomerGrains.Testing;

/// <summary>A person's browser: a cookie jar on a host, optionally behind a proxy that forwards headers.</summary>
public sealed class CookieBrowser : IDisposable
{
    private readonly HttpClientHandler handler = new() { CookieContainer = new CookieContainer() };

    public CookieBrowser(Uri host) => Http = new HttpClient(handler) { BaseAddress = host };

    public HttpClient Http { get; }

    public CookieContainer Cookies => handler.CookieContainer;

    public async Task<HttpResponseMessage> SignInAsync(string userId, string password, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/login", UriKind.Relative))
        {
            Content = JsonContent.Create(new { userId, password }),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.Add(name, value);
            }
        }
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<HttpStatusCode> SignOutAsync()
    {
        using var response = await Http.PostAsync(new Uri("/api/auth/logout", UriKind.Relative), null, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    public async Task<HttpStatusCode> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>
    /// Another browser tab (or another machine with a copied cookie) holding this browser's session cookie, talking to
    /// the same host or to <paramref name="host"/> (another silo on this machine: cookies do not depend on the port).
    /// </summary>
    public CookieBrowser CopyCookies(Uri? host = null)
    {
        var copy = new CookieBrowser(host ?? Http.BaseAddress!);
        copy.Cookies.Add(Cookies.GetAllCookies());
        return copy;
    }

    public void Dispose()
    {
        Http.Dispose();
        handler.Dispose();
    }
}
