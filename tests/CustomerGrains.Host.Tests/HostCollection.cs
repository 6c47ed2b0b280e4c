using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

public sealed class SharedHost : RunningHost, IAsyncLifetime;

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<SharedHost>
{
    public const string Name = "one running host";
}
