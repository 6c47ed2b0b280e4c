using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host with the Orleans dashboard turned on (its one setting).</summary>
public sealed class DashboardHost : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Dashboard:Enabled"] = "true" };
}

/// <summary>The Orleans dashboard over real HTTP: absent unless enabled, and then for supervisors and admins only.</summary>
public sealed class DashboardTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task The_dashboard_is_absent_by_default()
    {
        await using var plain = new RunningHost();
        await plain.InitializeAsync();
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(plain.Api, "/dashboard/", DemoKeys.Admin));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(plain.Api, "/dashboard/", DemoKeys.Supervisor));
    }

    [Fact]
    public async Task When_enabled_supervisors_and_admins_open_it_and_agents_are_refused()
    {
        Assert.Equal(HttpStatusCode.OK, await GetAsync(host.Api, "/dashboard/", DemoKeys.Supervisor));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(host.Api, "/dashboard/", DemoKeys.Admin));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(host.Api, "/dashboard/", DemoKeys.Agent));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(host.Api, "/dashboard/", DemoKeys.Cti));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(host.Api, "/dashboard/", DemoKeys.Service));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(host.Api, "/dashboard/", null));
    }

    private static async Task<HttpStatusCode> GetAsync(ApiClient api, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add(DemoKeys.Header, key);
        }
        using var response = await api.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
