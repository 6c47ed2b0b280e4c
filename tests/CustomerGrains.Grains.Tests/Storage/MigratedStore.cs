using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Tests.Storage;

/// <summary>The embedded databases in a directory, with every file's schema applied, as the engine leaves them at start.</summary>
internal static class MigratedStore
{
    public static async Task<EmbeddedDatabases> InAsync(string directory, CancellationToken cancellationToken)
    {
        var databases = EmbeddedDatabases.In(directory);
        await databases.MigrateAsync(cancellationToken);
        return databases;
    }
}
