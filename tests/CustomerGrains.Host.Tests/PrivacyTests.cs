using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host of its own for the data-rights tests, so that the files searched for erased values are those of these tests.</summary>
public sealed class PrivacyHost : RunningHost, IAsyncLifetime;

/// <summary>A customer's data rights over real HTTP on the embedded default (SQLite): export and erase.</summary>
public sealed class PrivacyTests(PrivacyHost host) : IClassFixture<PrivacyHost>
{
    [Fact]
    public async Task A_supervisor_or_a_privacy_service_exports_everything_held_about_the_customer_and_the_export_is_audited()
    {
        var customer = new PrivacyScenario("export");
        await customer.SeedAsync(host.Api);

        var (status, export) = await customer.ExportAsync(host.Api);
        Assert.True(status == HttpStatusCode.OK, export.ToString());
        customer.AssertComplete(export);

        var (serviceStatus, byService) = await customer.ExportAsync(host.Api, DemoKeys.Service);
        Assert.Equal(HttpStatusCode.OK, serviceStatus);
        // The first export is in the audit trail the second one exports.
        Assert.Contains(byService.GetProperty("audit").EnumerateArray(),
            a => a.GetProperty("path").GetString() == "export" && a.GetProperty("actor").GetString() == "super1");

        var (agentStatus, _) = await customer.ExportAsync(host.Api, DemoKeys.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, agentStatus);
        var (unknownStatus, unknown) = await new PrivacyScenario("nobody").ExportAsync(host.Api);
        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);
        Assert.Contains("nobody-", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
