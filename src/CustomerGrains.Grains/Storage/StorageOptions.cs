using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Storage;

/// <summary>Where the embedded default keeps its files (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions : ISelfValidatingOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// The directory of the SQLite files (<c>interactions.db</c>: the log; <c>grains.db</c>: snapshots; <c>readmodel.db</c>:
    /// lists, segments and the change feed) and the audit trail's journal (<c>audit-journal/</c>); created when missing,
    /// unused with <c>Storage:Mode=Postgres</c>. A copy of the store is the whole directory. Default <c>./data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// How many threads of its own the embedded default reads its SQLite files on (cold customers' snapshots and log
    /// catch-up, the stream's partition reads). Microsoft.Data.Sqlite does its I/O synchronously, so these threads block
    /// instead of the thread pool's; writes have one thread per file. Default 4.
    /// </summary>
    public int ReaderThreads { get; set; } = 4;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{nameof(DataDirectory)} must name a directory";
        }
        if (ReaderThreads is < 1 or > 64)
        {
            yield return $"{nameof(ReaderThreads)} must be between 1 and 64 (was {ReaderThreads})";
        }
    }
}
