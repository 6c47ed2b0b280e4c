using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// A host of its own with retentions configured (events and notes after 180 days, audit details after 30 seconds), so the
/// files searched are those of these tests. The lifecycle sweep's reminder is set to a day: only the tests sweep.
/// </summary>
public sealed class RetentionHost : RunningHost, IAsyncLifetime
{
    /// <summary>How long audit details are kept here: short, so entries of the test age past it while it waits.</summary>
    public static readonly TimeSpan AuditRetention = TimeSpan.FromSeconds(30);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(RetentionScenario.Settings(AuditRetention))
    {
        ["Maintenance:LifecycleSweepInterval"] = "1.00:00:00",
    };
}

/// <summary>Retention of personal data over real HTTP on the embedded default (SQLite): dry run, run, lifecycle sweep, configuration.</summary>
public sealed class RetentionTests(RetentionHost host) : IClassFixture<RetentionHost>
{
    [Fact]
    public async Task A_run_shreds_personal_data_older_than_its_retention_in_every_file_and_keeps_newer_data_and_the_customers_figures()
    {
        var customer = new RetentionScenario("retain");
        await customer.SeedAsync(host.Api);
        var figures = await customer.FiguresAsync(host.Api);
        var popped = await ScreenPopEntryAsync(customer);
        Assert.Equal(customer.Shredded.Count, FoundInFiles(customer.Shredded).Count);

        // The dry run reports what a run would shred, and changes nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await RetentionScenario.ReportAsync(host.Api, DemoKeys.Agent)).Status);
        var (status, report) = await RetentionScenario.ReportAsync(host.Api);
        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.True(report.GetProperty("dryRun").GetBoolean());
        Assert.True(RetentionScenario.Kind(report, "events").GetProperty("items").GetInt32() >= 1, report.ToString());
        Assert.True(RetentionScenario.Kind(report, "notes").GetProperty("items").GetInt32() >= 1, report.ToString());
        Assert.True(RetentionScenario.Kind(report, "notes").GetProperty("oldest").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddDays(-390), report.ToString());
        Assert.Equal(customer.Shredded.Count, FoundInFiles(customer.Shredded).Count);
        var (_, unchanged) = await customer.ExportAsync(host.Api);
        Assert.Equal(customer.Shredded.Count, RetentionScenario.Found(customer.Shredded, unchanged.GetRawText()).Count);

        // Until the screen-pop's entry is older than the audit retention, then a newer look at the customer.
        await Eventually.UntilAsync(() => RetentionScenario.ReportAsync(host.Api),
            r => RetentionScenario.Kind(r.Body, "audit").GetProperty("before").GetDateTimeOffset() > popped.At,
            "the screen-pop's audit entry to be older than the audit retention", RetentionHost.AuditRetention * 4);
        await customer.ScreenPopAsync(host.Api);

        var (ran, run) = await RetentionScenario.RunAsync(host.Api);
        Assert.True(ran == HttpStatusCode.OK, run.ToString());
        Assert.False(run.GetProperty("dryRun").GetBoolean());
        Assert.True(RetentionScenario.Kind(run, "events").GetProperty("items").GetInt32() >= 1, run.ToString());
        Assert.True(RetentionScenario.Kind(run, "notes").GetProperty("items").GetInt32() >= 1, run.ToString());
        Assert.True(RetentionScenario.Kind(run, "audit").GetProperty("items").GetInt32() >= 1, run.ToString());

        // Every file of the data directory (databases, write-ahead logs, the audit journal), byte by byte.
        Assert.Empty(FoundInFiles(customer.Shredded));
        Assert.Equal(customer.Kept.Count, FoundInFiles(customer.Kept).Count);
        var (_, export) = await customer.ExportAsync(host.Api);
        customer.AssertExportAfterRetention(export);
        var pops = export.GetProperty("audit").EnumerateArray().Where(a => a.GetProperty("path").GetString() == "screenpop").ToList();
        Assert.Equal("[erased]", pops.Single(a => a.GetProperty("id").GetInt64() == popped.Id).GetProperty("detail").GetString());
        Assert.Contains(pops, a => a.GetProperty("detail").GetString()!.Contains(customer.NewE164, StringComparison.Ordinal));
        var card = (await host.Api.GetCustomerAsync(customer.CustomerId)).Body.GetRawText();
        Assert.Contains("[erased]", card, StringComparison.Ordinal);
        Assert.Contains(customer.NewNote, card, StringComparison.Ordinal);

        // No figure of the customer changed; only the old note's line among the recent interactions reads differently.
        Assert.Equal(figures, await customer.FiguresAsync(host.Api));

        var (_, again) = await RetentionScenario.RunAsync(host.Api);
        Assert.Equal(0, RetentionScenario.Kind(again, "events").GetProperty("items").GetInt32());
        Assert.Equal(0, RetentionScenario.Kind(again, "notes").GetProperty("items").GetInt32());
        var (_, trail) = await PrivacyScenario.SendAsync(host.Api, HttpMethod.Get, "/api/audit?limit=50", DemoKeys.Supervisor);
        var audited = trail.GetProperty("entries").EnumerateArray().First(a => a.GetProperty("path").GetString() == "retention");
        Assert.Equal("demo-admin", audited.GetProperty("actor").GetString());
        Assert.Empty(RetentionScenario.Found([.. customer.Shredded, .. customer.Kept], audited.GetRawText()));
    }

    [Fact]
    public async Task The_lifecycle_sweep_runs_retention()
    {
        var customer = new RetentionScenario("sweep");
        await customer.SeedAsync(host.Api);
        Assert.Equal(customer.Shredded.Count, FoundInFiles(customer.Shredded).Count);

        var (status, _) = await PrivacyScenario.SendAsync(host.Api, HttpMethod.Post, "/api/maintenance/lifecycle-sweep", DemoKeys.Admin);
        Assert.Equal(HttpStatusCode.OK, status);

        var (_, export) = await customer.ExportAsync(host.Api);
        customer.AssertExportAfterRetention(export);
        Assert.Empty(FoundInFiles(customer.Shredded));
    }

    [Fact]
    public async Task A_retention_that_is_not_a_positive_duration_is_refused_at_start_with_the_bad_keys_named()
    {
        using var data = new TempDirectory("retention-config");
        await using var bad = new HostProcess(data.Path, new Dictionary<string, string>
        {
            ["Privacy:Retention:Notes"] = "-1.00:00:00",
            ["Privacy:Retention:Audit"] = "00:00:00",
        });

        var exitCode = await bad.RunUntilExitAsync(TimeSpan.FromSeconds(120));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Privacy:Retention:Notes must be a duration above zero", bad.Output, StringComparison.Ordinal);
        Assert.Contains("Privacy:Retention:Audit must be a duration above zero", bad.Output, StringComparison.Ordinal);

        using var other = new TempDirectory("retention-unreadable");
        await using var unreadable = new HostProcess(other.Path, new Dictionary<string, string> { ["Privacy:Retention:Events"] = "a year" });
        Assert.NotEqual(0, await unreadable.RunUntilExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("'a year' at 'Privacy:Retention:Events'", unreadable.Output, StringComparison.Ordinal);
    }

    /// <summary>The audit entry of the customer's screen-pop: its id and time.</summary>
    private async Task<(long Id, DateTimeOffset At)> ScreenPopEntryAsync(RetentionScenario customer)
    {
        var (_, export) = await customer.ExportAsync(host.Api);
        var entry = export.GetProperty("audit").EnumerateArray().First(a => a.GetProperty("path").GetString() == "screenpop");
        return (entry.GetProperty("id").GetInt64(), entry.GetProperty("at").GetDateTimeOffset());
    }

    private List<string> FoundInFiles(IReadOnlyList<string> values) =>
        [.. values.Where(v => Directory.EnumerateFiles(host.Host.DataDirectory, "*", SearchOption.AllDirectories)
            .Any(file => PrivacyTests.ReadShared(file).Contains(v, StringComparison.OrdinalIgnoreCase)))];
}
