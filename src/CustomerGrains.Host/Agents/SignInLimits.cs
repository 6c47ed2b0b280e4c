namespace CustomerGrains.Host.Agents;

/// <summary>
/// How many sign-in attempts (right or wrong) are allowed in each window, per user id and per client address; beyond
/// either the answer is 429 with <c>Retry-After</c>, before any password is checked. A call centre whose agents share
/// one address at the start of a shift needs the per-address limit above its head count.
/// </summary>
public sealed class SignInLimits
{
    /// <summary>Attempts per user id (whether the id exists or not) per window. Default 5.</summary>
    public int PerUser { get; set; } = 5;

    /// <summary>Attempts per client address per window. Default 60.</summary>
    public int PerAddress { get; set; } = 60;

    /// <summary>The window. Default 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(PerUser), PerUser), (nameof(PerAddress), PerAddress) })
        {
            if (value is < 1 or > 100_000)
            {
                yield return $"{name} must be between 1 and 100000 (was {value})";
            }
        }
        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(Window)} must be between 1 second and 1 hour (was {Window})";
        }
    }
}
