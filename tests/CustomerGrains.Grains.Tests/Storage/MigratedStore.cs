using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Tests.Storage;

/// <summary>The embedded databases in a directory, with the log's schema applied.</summary>
internal static class MigratedStore
{
    public static async Task<EmbeddedDatabases> WithLogAsync(string directory, CancellationToken cancellationToken)
    {
        var databases = EmbeddedDatabases.In(directory);
        await databases.Log.MigrateAsync(cancellationToken);
        return databases;
    }
}
