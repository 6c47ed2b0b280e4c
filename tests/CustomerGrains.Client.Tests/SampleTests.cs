using CustomerGrains.Testing;

namespace CustomerGrains.Client.Tests;

/// <summary>An engine started once for the sample's test, whose grains publish their changes within a second.</summary>
public sealed class SampleEngine : RunningHost, IAsyncLifetime
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Snapshots:Interval"] = "00:00:01" };
}

/// <summary>The README's sample backend (samples/CustomerGrains.Samples.WebShop), run as a program against a real engine.</summary>
public sealed class SampleTests(SampleEngine engine) : IClassFixture<SampleEngine>
{
    private static string SampleAssembly => Path.Combine(TestEnvironment.RepositoryRoot, "samples", "CustomerGrains.Samples.WebShop", "bin",
        TestEnvironment.Configuration, "net10.0", "CustomerGrains.Samples.WebShop.dll");

    [Fact]
    public async Task The_web_shop_sample_ingests_a_purchase_reads_the_decision_reads_a_batch_and_follows_the_change_feed()
    {
        var (exit, output, error) = await HostProcess.RunProgramAsync(SampleAssembly,
            $"--CustomerGrains:Client:Gateways:0=127.0.0.1:{engine.Host.GatewayPort}", "--Sample:CustomerId=sample-c1");

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("ingested: sample-c1-profile, sample-c1-order-1", output, StringComparison.Ordinal);
        Assert.Matches(@"decision: tier [A-D] \(", output);
        Assert.Contains("batch: sample-c1 spent 249.90 in 1 purchase(s)", output, StringComparison.Ordinal);
        Assert.Contains("batch unknown: sample-c1-nobody", output, StringComparison.Ordinal);
        Assert.Matches(@"change \d+: tier - -> ([A-D]|uncalibrated)\n", output);
        Assert.Matches(@"change \d+: stage - -> exploration\n", output);
    }
}
