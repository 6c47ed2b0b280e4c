using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Options that can list every problem they have at once.</summary>
public interface ISelfValidatingOptions
{
    IEnumerable<string> Validate();
}

/// <summary>Registration of options that validate themselves.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start, every failure at once.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, ISelfValidatingOptions
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SelfValidatingOptionsValidator<T>(section));
        return services;
    }
}

/// <summary>Validates options of the domain (records with their own Validate) at start, every failure at once.</summary>
internal sealed class DomainOptionsValidator<T>(string section, Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = validate(options).Select(f => $"{section}:{f}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Validates options at start, reporting every failure of the section at once.</summary>
internal sealed class SelfValidatingOptionsValidator<T>(string section) : IValidateOptions<T> where T : class, ISelfValidatingOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = options.Validate().Select(f => $"{section}:{f}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Where the embedded default keeps its files (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions : ISelfValidatingOptions
{
    public const string Section = "Storage";

    /// <summary>The directory of the SQLite files; created when missing. Default <c>./data</c>.</summary>
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

/// <summary>The interaction log and the stream that reads it (configuration section <c>InteractionLog</c>).</summary>
public sealed class InteractionLogOptions : ISelfValidatingOptions
{
    public const string Section = "InteractionLog";

    /// <summary>Partitions of the log, each read by one reader in the cluster. Fixed for the life of a log. Default 8.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>How often a partition's reader looks for new records: the floor of ingest-to-visible latency. Default 20 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The most records a partition's reader hands out in one round (each customer in it gets one call). Default 1024.</summary>
    public int DeliveryBatch { get; set; } = 1024;

    /// <summary>How often every silo wakes the partitions' readers: how soon a partition whose silo was lost is read again. Default 5 s.</summary>
    public TimeSpan WakeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a partition's delivery checkpoint is saved. Default 1 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Partitions is < 1 or > 1024)
        {
            yield return $"{nameof(Partitions)} must be between 1 and 1024 (was {Partitions})";
        }
        if (PollInterval < TimeSpan.FromMilliseconds(1) || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(PollInterval)} must be between 1 ms and 1 minute (was {PollInterval})";
        }
        if (DeliveryBatch is < 1 or > 100_000)
        {
            yield return $"{nameof(DeliveryBatch)} must be between 1 and 100000 (was {DeliveryBatch})";
        }
        if (WakeInterval < TimeSpan.FromMilliseconds(100) || WakeInterval > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(WakeInterval)} must be between 100 ms and 10 minutes (was {WakeInterval})";
        }
        if (CheckpointInterval < TimeSpan.Zero || CheckpointInterval > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(CheckpointInterval)} must be between 0 and 1 hour (was {CheckpointInterval})";
        }
    }
}

/// <summary>When a customer grain writes its snapshot (configuration section <c>Snapshots</c>).</summary>
/// <summary>How long a computed card is served from memory (section <c>Cards</c>).</summary>
public sealed class CardOptions : ISelfValidatingOptions
{
    public const string Section = "Cards";

    /// <summary>
    /// The longest a customer's card "as of now" is served before it is computed again, when neither the customer, nor
    /// the rules, nor the lifecycle's next review made it stale sooner. Default 1 minute; zero computes every read.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Validate()
    {
        if (MaxAge < TimeSpan.Zero || MaxAge > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(MaxAge)} must be between 0 and 1 hour (was {MaxAge})";
        }
    }
}

public sealed class SnapshotOptions : ISelfValidatingOptions
{
    public const string Section = "Snapshots";

    /// <summary>Write after this many newly applied events. Default 100.</summary>
    public int EveryEvents { get; set; } = 100;

    /// <summary>Write changes at most this long after they were made, while active. Default 30 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (EveryEvents < 1)
        {
            yield return $"{nameof(EveryEvents)} must be at least 1 (was {EveryEvents})";
        }
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(Interval)} must be between 1 s and 1 day (was {Interval})";
        }
    }
}
