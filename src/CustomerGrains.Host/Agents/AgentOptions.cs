using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Agents;

/// <summary>The people and systems that may use the API (configuration section <c>Agents</c>).</summary>
public sealed class AgentOptions : ISelfValidatingOptions
{
    public const string Section = "Agents";

    /// <summary>
    /// Agents, supervisors, telephony systems, backend services and administrators by id
    /// (<c>Agents:Users:agent1:Role</c>), each with a password hash, a key hash or both. Keyed by id rather than listed,
    /// so a configuration layer (an environment variable, a file for Production) replaces or adds exactly the user it
    /// names, never whichever user happened to sit at the same position of a list.
    /// </summary>
    public Dictionary<string, AgentUser> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a signed-in session lasts without activity. Default 8 hours (a shift).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a session lasts at most from its sign-in, however active. Default 12 hours.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How often an open desktop feed checks that its session still holds (signed out elsewhere, user removed or
    /// demoted, absolute lifetime reached); the feed ends within this time. Default 5 seconds.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most desktop feeds one user may have open at once, across the cluster. Default 4.</summary>
    public int MaxFeedsPerUser { get; set; } = 4;

    /// <summary>Sign-in attempts allowed per user id and per client address.</summary>
    public SignInLimits SignIn { get; set; } = new();

    /// <summary>Gives every user the id it is configured under.</summary>
    internal void AssignIds()
    {
        foreach (var (id, user) in Users)
        {
            user.Id = id;
        }
    }

    public IEnumerable<string> Validate()
    {
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(7))
        {
            yield return $"{nameof(SessionLifetime)} must be between 1 minute and 7 days (was {SessionLifetime})";
        }
        if (SessionAbsoluteLifetime < SessionLifetime || SessionAbsoluteLifetime > TimeSpan.FromDays(30))
        {
            yield return $"{nameof(SessionAbsoluteLifetime)} must be between {nameof(SessionLifetime)} ({SessionLifetime}) and 30 days (was {SessionAbsoluteLifetime})";
        }
        if (SessionCheckInterval < TimeSpan.FromSeconds(1) || SessionCheckInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(SessionCheckInterval)} must be between 1 second and 1 minute (was {SessionCheckInterval})";
        }
        if (MaxFeedsPerUser is < 1 or > 100)
        {
            yield return $"{nameof(MaxFeedsPerUser)} must be between 1 and 100 (was {MaxFeedsPerUser})";
        }
        foreach (var problem in SignIn.Validate())
        {
            yield return $"{nameof(SignIn)}:{problem}";
        }
        foreach (var (id, u) in Users)
        {
            var at = $"Users:{id}";
            if (id.All(char.IsAsciiDigit))
            {
                yield return $"{at}: users are configured by id (Agents:Users:agent1:Role=agent), not by list position; '{id}' looks like a position";
            }
            if (!Roles.IsKnown(u.Role))
            {
                yield return $"{at}:Role '{u.Role}' is not one of {string.Join(", ", Roles.All)}";
            }
            if (u.PasswordHash is null && u.KeyHash is null)
            {
                yield return $"{at}: needs a PasswordHash or a KeyHash to sign in with";
            }
            if (u.PasswordHash is { } password && Secrets.PasswordHashProblem(password) is { } passwordProblem)
            {
                yield return $"{at}:PasswordHash {passwordProblem}";
            }
            if (u.KeyHash is { } key && Secrets.KeyHashProblem(key) is { } keyProblem)
            {
                yield return $"{at}:KeyHash {keyProblem}";
            }
            foreach (var problem in ScopeProblems(u))
            {
                yield return $"{at}:Scopes {problem}";
            }
        }
    }

    private static IEnumerable<string> ScopeProblems(AgentUser user)
    {
        var scopes = user.ScopeList;
        if (scopes.Count > 0 && user.Role != Roles.Service)
        {
            yield return $"are only for the role {Roles.Service} (this user is {user.Role})";
        }
        foreach (var scope in scopes.Where(s => !Scopes.All.Contains(s)))
        {
            yield return $"'{scope}' is not one of {string.Join(", ", Scopes.All)}";
        }
    }
}

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

/// <summary>One user of the API.</summary>
public sealed class AgentUser
{
    /// <summary>The sign-in name (the key under <c>Agents:Users</c>); for agents also the id the telephony system rings (<c>agentId</c>).</summary>
    public string Id { get; internal set; } = "";

    /// <summary>The name shown on the desktop.</summary>
    public string? Name { get; set; }

    /// <summary>One of <see cref="Roles.All"/>.</summary>
    public string Role { get; set; } = Roles.Agent;

    /// <summary>What a <c>service</c> may do, space-separated (e.g. <c>interactions:write customers:read</c>); see <see cref="Scopes"/>.</summary>
    public string? Scopes { get; set; }

    /// <summary>The password's hash (<c>hash-password</c> command), for signing in on the desktop.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>An API key's hash (<c>new-key</c> command), for systems and scripts (header <c>X-Api-Key</c>).</summary>
    public string? KeyHash { get; set; }

    internal IReadOnlyList<string> ScopeList => Scopes?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}

/// <summary>The roles.</summary>
public static class Roles
{
    /// <summary>A person serving customers on the desktop: sees masked contact data.</summary>
    public const string Agent = "agent";

    /// <summary>A person supervising agents: sees contact data whole, reads the audit trail.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>A telephony system: announces calls, reads nothing.</summary>
    public const string Cti = "cti";

    /// <summary>A backend service with an API key: may do what its <see cref="Scopes"/> say.</summary>
    public const string Service = "service";

    /// <summary>An operator: installs policies and runs maintenance.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Agent, Supervisor, Cti, Service, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>Policy: serves customers on the desktop (agents and supervisors).</summary>
    public const string ServesCustomers = "serves-customers";

    /// <summary>Policy: announces calls (telephony systems and supervisors, who may test a ring).</summary>
    public const string AnnouncesCalls = "announces-calls";

    /// <summary>Policy: reads the audit trail (supervisors, and services with the <c>privacy</c> scope).</summary>
    public const string Supervises = "supervises";
}

/// <summary>What a backend service's key may do (<c>Agents:Users:ID:Scopes</c>, space-separated).</summary>
public static class Scopes
{
    /// <summary>The claim type of a scope.</summary>
    public const string ClaimType = "scope";

    public const string InteractionsWrite = "interactions:write";
    public const string CustomersRead = "customers:read";
    public const string DecisionsRead = "decisions:read";
    public const string PolicyWrite = "policy:write";
    public const string Maintenance = "maintenance";
    public const string Privacy = "privacy";
    public const string SegmentsWrite = "segments:write";
    public const string ChangesRead = "changes:read";

    public static readonly IReadOnlyList<string> All = [InteractionsWrite, CustomersRead, DecisionsRead, PolicyWrite, Maintenance, Privacy, SegmentsWrite, ChangesRead];
}
