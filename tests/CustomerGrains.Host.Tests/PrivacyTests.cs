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

    [Fact]
    public async Task After_an_erasure_no_store_and_no_answer_holds_the_customers_personal_data_and_later_events_start_an_empty_customer()
    {
        var customer = new PrivacyScenario("erase");
        await customer.SeedAsync(host.Api);
        Assert.Equal(HttpStatusCode.OK, (await customer.ExportAsync(host.Api)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.EraseAsync(host.Api, DemoKeys.Agent)).Status);
        // The search below finds the values while they are there.
        Assert.Superset(new HashSet<string>([customer.Name, customer.Email, customer.E164, customer.Note]),
            new HashSet<string>(DataFiles().SelectMany(file => customer.FoundIn(ReadShared(file)))));

        var (status, erased) = await customer.EraseAsync(host.Api);
        Assert.True(status == HttpStatusCode.OK, erased.ToString());
        Assert.Equal(customer.Events, erased.GetProperty("erasedEvents").GetInt32());
        Assert.Equal(1, erased.GetProperty("unlinkedPhones").GetInt32());
        Assert.True(erased.GetProperty("erasedAuditDetails").GetInt32() >= 2, erased.ToString());

        await customer.AssertForgottenAsync(host.Api);
        // Every file of the engine's data directory (the SQLite databases and their write-ahead logs), byte by byte.
        foreach (var file in DataFiles())
        {
            Assert.True(customer.FoundIn(ReadShared(file)).Count == 0, $"{file} holds {string.Join(", ", customer.FoundIn(ReadShared(file)))}");
        }
        await customer.AssertLaterEventsStartAnEmptyCustomerAsync(host.Api);

        var (unknown, problem) = await new PrivacyScenario("never").EraseAsync(host.Api);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("never-", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private IEnumerable<string> DataFiles() => Directory.EnumerateFiles(host.Host.DataDirectory, "*", SearchOption.AllDirectories);

    /// <summary>A file's bytes as Latin-1 text (the personal values are ASCII), read while the host keeps it open.</summary>
    internal static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
