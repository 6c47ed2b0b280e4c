using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

public sealed class SharedHost : RunningHost, IAsyncLifetime
{
    /// <summary>
    /// US dollars count 0.9 euro from 2026 on; no other currency but the euro has a rate. Changes reach the read model
    /// (which the lifecycle sweep selects customers by) within a second rather than the default 30 s.
    /// </summary>
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Money:Rates:USD:2026-01-01"] = "0.9", ["Snapshots:Interval"] = "00:00:01",
    };
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<SharedHost>
{
    public const string Name = "one running host";
}
