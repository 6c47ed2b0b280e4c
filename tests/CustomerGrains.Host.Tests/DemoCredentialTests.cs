using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>Demo credentials only where they are safe, and users configured by id.</summary>
public sealed class DemoCredentialTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string HashOf(string key) => TestSecrets.KeyHash(key);

    [Fact]
    public async Task A_production_host_with_a_demo_key_refuses_to_start_and_says_how_to_make_real_ones()
    {
        using var data = new TempDirectory("demo-production");
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Agents:Users:ops:Role"] = "admin",
            ["Agents:Users:ops:KeyHash"] = HashOf("demo-admin-key"),
        }, environment: "Production");
        var exit = await host.RunUntilExitAsync(TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, exit);
        Assert.Contains("Agents:Users: ops has a demo password or key", host.Output, StringComparison.Ordinal);
        Assert.Contains("runs in the Production environment", host.Output, StringComparison.Ordinal);
        Assert.Contains("hash-password", host.Output, StringComparison.Ordinal);
        Assert.Contains("new-key", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_development_host_with_the_demo_users_refuses_to_listen_beyond_loopback()
    {
        using var data = new TempDirectory("demo-any-address");
        await using var host = new HostProcess(data.Path, new Dictionary<string, string> { ["urls"] = $"http://0.0.0.0:{TestEnvironment.FreePort()}" });
        Assert.NotEqual(0, await host.RunUntilExitAsync(TimeSpan.FromMinutes(1)));
        var refusal = host.Output.Split('\n').First(line => line.Contains("have demo passwords or keys", StringComparison.Ordinal));
        Assert.All(new[] { "agent1", "super1", "cti", "demo-service", "demo-admin" }, id => Assert.Contains(id, refusal, StringComparison.Ordinal));
        Assert.Contains("which is not a loopback address", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_host_knows_no_demo_user_and_users_replace_by_id()
    {
        using var data = new TempDirectory("demo-none");
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Agents:Users:super1:Role"] = "supervisor",
            ["Agents:Users:super1:KeyHash"] = HashOf("a-real-supervisor-key"),
        }, environment: "Production");
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        foreach (var demo in new[] { DemoKeys.Agent, DemoKeys.Supervisor, DemoKeys.Service, DemoKeys.Admin })
        {
            using var refused = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/auth/me", UriKind.Relative));
            refused.Headers.Add(DemoKeys.Header, demo);
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.SendAsync(refused, Ct)).StatusCode);
        }
        using var own = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/audit", UriKind.Relative));
        own.Headers.Add(DemoKeys.Header, "a-real-supervisor-key");
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.SendAsync(own, Ct)).StatusCode);
    }

    [Fact]
    public async Task Replacing_the_demo_supervisor_by_id_in_development_leaves_no_demo_supervisor_behind()
    {
        using var data = new TempDirectory("demo-replace");
        await using var host = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Agents:Users:super1:KeyHash"] = HashOf("a-new-supervisor-key"),
        });
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);

        async Task<HttpStatusCode> AuditAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/audit", UriKind.Relative));
            request.Headers.Add(DemoKeys.Header, key);
            using var response = await api.Anonymous.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await AuditAsync(DemoKeys.Supervisor));
        Assert.Equal(HttpStatusCode.OK, await AuditAsync("a-new-supervisor-key"));
        Assert.Equal(HttpStatusCode.Forbidden, await AuditAsync(DemoKeys.Agent));
    }
}
