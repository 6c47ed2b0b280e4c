using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// A host whose users come from a file named by <c>ConfigFile</c>, as an operator mounts them: the tests change the file
/// while the host runs, as an operator removes or demotes someone.
/// </summary>
public sealed class SessionHost : RunningHost, IAsyncLifetime
{
    private readonly TempDirectory config = new("session-config");
    private readonly Dictionary<string, JsonObject> users = [];

    public SessionHost()
    {
        User("desk-agent", "agent", password: "desk-pass-1");
        User("desk-super", "supervisor", password: "desk-pass-2");
        User("desk-bot", "agent", key: "desk-bot-key");
        User("feeds", "agent", key: "feeds-key");
        User("key-super", "supervisor", key: "key-super-key");
        Write();
    }

    public string UsersFile => Path.Combine(config.Path, "users.json");

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["ConfigFile"] = UsersFile,
        ["Agents:MaxFeedsPerUser"] = "2",
        ["Agents:SessionCheckInterval"] = "00:00:01",
        // The tests sign the same users in several times; the limit itself is tested on a host of its own.
        ["Agents:SignIn:PerUser"] = "50",
    };

    /// <summary>Gives <paramref name="id"/> another role (null: removes the user) in the file.</summary>
    public void Change(string id, string? role)
    {
        if (role is null)
        {
            users.Remove(id);
        }
        else
        {
            users[id]["Role"] = role;
        }
        Write();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        config.Dispose();
    }

    private void User(string id, string role, string? password = null, string? key = null)
    {
        var user = new JsonObject { ["Role"] = role };
        if (password is not null)
        {
            user["PasswordHash"] = TestSecrets.PasswordHash(password);
        }
        if (key is not null)
        {
            user["KeyHash"] = TestSecrets.KeyHash(key);
        }
        users[id] = user;
    }

    private void Write()
    {
        var all = new JsonObject();
        foreach (var (id, user) in users)
        {
            all[id] = user.DeepClone();
        }
        var document = new JsonObject { ["Agents"] = new JsonObject { ["Users"] = all } };
        // Written whole and moved into place, as a configuration tool replaces a file.
        var temp = UsersFile + ".new";
        File.WriteAllText(temp, document.ToJsonString());
        File.Move(temp, UsersFile, overwrite: true);
    }
}

/// <summary>
/// Sessions held on the server: signing out ends every copy of the session cookie and the desktop feed opened with it;
/// a user removed or demoted in the configuration loses access at the next request and the open feed within seconds;
/// a user may have only so many feeds open.
/// </summary>
public sealed class SessionTests(SessionHost host) : IClassFixture<SessionHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_out_ends_every_copy_of_the_session_and_the_desktop_feed_it_opened()
    {
        using var browser = new CookieBrowser(host.Host.BaseAddress);
        using (var signIn = await browser.SignInAsync("desk-agent", "desk-pass-1"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }
        using var otherTab = browser.CopyCookies();
        using var feed = await DesktopFeed.OpenAsync(otherTab.Http, key: null, Ct);
        Assert.Equal("desk-agent", (await feed.NextAsync("ready", Ct)).GetProperty("agentId").GetString());
        Assert.Equal(HttpStatusCode.OK, await otherTab.GetAsync("/api/auth/me"));

        Assert.Equal(HttpStatusCode.NoContent, await browser.SignOutAsync());

        // The copy still sends the cookie, but the session it names is gone on the server.
        Assert.Equal(HttpStatusCode.Unauthorized, await otherTab.GetAsync("/api/auth/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await otherTab.GetAsync("/api/screenpop?ani=2125550142"));
        var signedOut = await feed.NextAsync("signed-out", Ct);
        Assert.Contains("signed out", signedOut.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await feed.WaitForEndAsync(Ct);

        // Only that session ended: signing in again works.
        using (var again = await browser.SignInAsync("desk-agent", "desk-pass-1"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, await browser.GetAsync("/api/auth/me"));
    }

    [Fact]
    public async Task A_supervisor_demoted_in_the_configuration_loses_the_session_and_signs_in_again_as_an_agent()
    {
        using var browser = new CookieBrowser(host.Host.BaseAddress);
        using (var signIn = await browser.SignInAsync("desk-super", "desk-pass-2"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, await browser.GetAsync("/api/audit"));

        host.Change("desk-super", "agent");

        await Eventually.UntilAsync(async () => await browser.GetAsync("/api/auth/me") == HttpStatusCode.Unauthorized,
            "the demoted supervisor's session to end");
        using (var again = await browser.SignInAsync("desk-super", "desk-pass-2"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("agent", (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("role").GetString());
        }
        Assert.Equal(HttpStatusCode.Forbidden, await browser.GetAsync("/api/audit"));
    }

    [Fact]
    public async Task A_key_user_demoted_in_the_configuration_has_the_new_role_from_the_next_requests_on()
    {
        using var http = new HttpClient { BaseAddress = host.Host.BaseAddress };
        async Task<(HttpStatusCode Audit, string? Role)> AskAsync()
        {
            using var audit = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/audit", UriKind.Relative));
            audit.Headers.Add(DemoKeys.Header, "key-super-key");
            using var me = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/auth/me", UriKind.Relative));
            me.Headers.Add(DemoKeys.Header, "key-super-key");
            using var auditAnswer = await http.SendAsync(audit, Ct);
            using var meAnswer = await http.SendAsync(me, Ct);
            return (auditAnswer.StatusCode, (await meAnswer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("role").GetString());
        }
        // The key's principal is made once and shared by the user's requests: the same answer every time.
        Assert.Equal((HttpStatusCode.OK, "supervisor"), await AskAsync());
        Assert.Equal((HttpStatusCode.OK, "supervisor"), await AskAsync());

        host.Change("key-super", "agent");

        await Eventually.UntilAsync(AskAsync, a => a.Role == "agent", "the demoted key user's requests to carry the new role");
        Assert.Equal((HttpStatusCode.Forbidden, "agent"), await AskAsync());
    }

    [Fact]
    public async Task A_user_removed_from_the_configuration_loses_its_key_and_its_open_feed_within_seconds()
    {
        using var http = new HttpClient { BaseAddress = host.Host.BaseAddress };
        using var feed = await DesktopFeed.OpenAsync(http, "desk-bot-key", Ct);
        await feed.NextAsync("ready", Ct);

        host.Change("desk-bot", null);

        var signedOut = await feed.NextAsync("signed-out", Ct);
        Assert.Contains("desk-bot no longer exists", signedOut.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await feed.WaitForEndAsync(Ct);
        using var me = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/auth/me", UriKind.Relative));
        me.Headers.Add(DemoKeys.Header, "desk-bot-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(me, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_user_may_have_only_the_configured_number_of_feeds_open_and_a_closed_one_frees_its_place()
    {
        using var http = new HttpClient { BaseAddress = host.Host.BaseAddress };
        var first = await DesktopFeed.OpenAsync(http, "feeds-key", Ct);
        using var second = await DesktopFeed.OpenAsync(http, "feeds-key", Ct);
        await first.NextAsync("ready", Ct);
        await second.NextAsync("ready", Ct);

        var (status, refused) = await DesktopFeed.TryOpenAsync(http, "feeds-key", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Null(refused);

        // Closing a tab frees its place once the host sees the connection go.
        first.Dispose();
        var third = await Eventually.UntilAsync(() => DesktopFeed.TryOpenAsync(http, "feeds-key", Ct), r => r.Feed is not null,
            "a place for a third feed after the first closed");
        using var feed = third.Feed!;
        await feed.NextAsync("ready", Ct);
    }

    [Fact]
    public async Task A_session_outlives_a_restart_of_the_host_and_a_signed_out_one_stays_ended()
    {
        using var browser = new CookieBrowser(host.Host.BaseAddress);
        using (var signIn = await browser.SignInAsync("desk-agent", "desk-pass-1"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }
        using var signedOut = new CookieBrowser(host.Host.BaseAddress);
        using (var signIn = await signedOut.SignInAsync("desk-agent", "desk-pass-1"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }
        using var stolen = signedOut.CopyCookies();
        Assert.Equal(HttpStatusCode.NoContent, await signedOut.SignOutAsync());

        await host.Host.StopAsync();
        await host.Host.StartAsync();

        Assert.Equal(HttpStatusCode.OK, await browser.GetAsync("/api/auth/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await stolen.GetAsync("/api/auth/me"));
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_unless_a_proxy_is_configured()
    {
        using var browser = new CookieBrowser(host.Host.BaseAddress);
        using var signIn = await browser.SignInAsync("desk-agent", "desk-pass-1",
            new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https", ["Host"] = "desk.example.com" });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.DoesNotContain("secure", signIn.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(signIn.Headers.Contains("Strict-Transport-Security"));
    }
}

/// <summary>Sign-in behind a TLS proxy: attempts limited per user and per real client address, secure cookies, HSTS; old hashes refused.</summary>
public sealed class SignInLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> From(string address, bool https = false) => https
        ? new() { ["X-Forwarded-For"] = address, ["X-Forwarded-Proto"] = "https", ["Host"] = "desk.example.com" }
        : new() { ["X-Forwarded-For"] = address };

    [Fact]
    public async Task Behind_a_proxy_attempts_are_limited_per_user_and_per_client_address_and_sessions_over_https_are_secure()
    {
        using var data = new TempDirectory("sign-in-limits");
        await using var process = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Proxy:Enabled"] = "true",
            ["Agents:SignIn:PerUser"] = "3",
            ["Agents:SignIn:PerAddress"] = "5",
            ["Agents:SignIn:Window"] = "00:10:00",
            ["Agents:Users:guarded:Role"] = "agent",
            ["Agents:Users:guarded:PasswordHash"] = TestSecrets.PasswordHash("right-pass"),
            ["Agents:Users:proxied:Role"] = "agent",
            ["Agents:Users:proxied:PasswordHash"] = TestSecrets.PasswordHash("right-pass"),
        });
        await process.StartAsync();
        using var browser = new CookieBrowser(process.BaseAddress);

        async Task<HttpStatusCode> AttemptAsync(string userId, string password, string address)
        {
            using var response = await browser.SignInAsync(userId, password, From(address));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a refused attempt says when to try again");
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                Assert.Equal("Too many sign-in attempts", problem.GetProperty("title").GetString());
            }
            return response.StatusCode;
        }

        // Three guesses for one user, then even the right password is refused unchecked, from any address.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await AttemptAsync("guarded", $"guess-{i}", "203.0.113.1"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await AttemptAsync("guarded", "right-pass", "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AttemptAsync("GUARDED", "right-pass", "198.51.100.7"));
        // Another user from that address is not held back by the first one's guesses.
        Assert.Equal(HttpStatusCode.Unauthorized, await AttemptAsync("someone-else", "guess", "198.51.100.7"));

        // One address trying many ids: the sixth attempt is refused, counted at the client's address the proxy forwarded.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await AttemptAsync($"sprayed-{i}", "guess", "192.0.2.9"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await AttemptAsync("sprayed-5", "guess", "192.0.2.9"));

        // Over HTTPS at the proxy: the cookie is Secure and the answer carries HSTS; over plain HTTP neither.
        using (var plain = await browser.SignInAsync("proxied", "right-pass", From("192.0.2.50")))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.DoesNotContain("secure", plain.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
            Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        }
        using (var secure = await browser.SignInAsync("proxied", "right-pass", From("192.0.2.51", https: true)))
        {
            Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
            Assert.Contains("secure", secure.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
            Assert.Contains("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_password_hash_with_fewer_iterations_than_OWASP_recommends_is_refused_at_start()
    {
        using var data = new TempDirectory("weak-hash");
        await using var process = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Agents:Users:old-timer:Role"] = "agent",
            ["Agents:Users:old-timer:PasswordHash"] = TestSecrets.PasswordHash("whatever", iterations: 210_000),
        }, environment: "Production");
        Assert.NotEqual(0, await process.RunUntilExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("Agents:Users:old-timer:PasswordHash has 210,000 iterations, fewer than the 600,000 OWASP recommends", process.Output, StringComparison.Ordinal);
        Assert.Contains("hash-password", process.Output, StringComparison.Ordinal);
    }
}
