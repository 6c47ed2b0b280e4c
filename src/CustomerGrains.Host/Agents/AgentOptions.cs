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

    public IEnumerable<string> Validate()
    {
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(7))
        {
            yield return $"{nameof(SessionLifetime)} must be between 1 minute and 7 days (was {SessionLifetime})";
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

    public static readonly IReadOnlyList<string> All = [InteractionsWrite, CustomersRead, DecisionsRead, PolicyWrite, Maintenance, Privacy];
}
