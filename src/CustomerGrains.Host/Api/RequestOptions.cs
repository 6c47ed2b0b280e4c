using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Api;

/// <summary>Body limits of the endpoints that are not ingest (configuration section <c>Requests</c>).</summary>
public sealed class RequestOptions : ISelfValidatingOptions
{
    public const string Section = "Requests";

    /// <summary>The largest body of a small form and of any endpoint that names no kind. Default 64 KiB.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The largest policy document (<c>PUT /api/policy</c>, <c>POST /api/policy/what-if</c>). Default 1 MiB.</summary>
    public long MaxPolicyBodyBytes { get; set; } = 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(MaxBodyBytes), MaxBodyBytes), (nameof(MaxPolicyBodyBytes), MaxPolicyBodyBytes) })
        {
            if (value is < 1024 or > 1024L * 1024 * 1024)
            {
                yield return $"{name} must be between 1 KiB and 1 GiB (was {value})";
            }
        }
    }
}
