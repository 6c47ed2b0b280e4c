using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Host.Agents;

/// <summary>The people and systems that may use the agent endpoints (configuration section <c>Agents</c>).</summary>
public sealed class AgentOptions : ISelfValidatingOptions
{
    public const string Section = "Agents";

    /// <summary>Agents, supervisors and telephony systems, each with a password hash, a key hash or both.</summary>
    public List<AgentUser> Users { get; set; } = [];

    /// <summary>How long a signed-in session lasts without activity. Default 8 hours (a shift).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public IEnumerable<string> Validate()
    {
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(7))
        {
            yield return $"{nameof(SessionLifetime)} must be between 1 minute and 7 days (was {SessionLifetime})";
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Users.Count; i++)
        {
            var u = Users[i];
            var at = $"Users:{i}";
            if (string.IsNullOrWhiteSpace(u.Id))
            {
                yield return $"{at}:Id must not be empty";
            }
            else if (!seen.Add(u.Id))
            {
                yield return $"{at}:Id '{u.Id}' is given twice";
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
        }
    }
}

/// <summary>One user of the agent endpoints.</summary>
public sealed class AgentUser
{
    /// <summary>The sign-in name; for agents also the id the telephony system rings (<c>agentId</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The name shown on the desktop.</summary>
    public string? Name { get; set; }

    /// <summary><c>agent</c>, <c>supervisor</c> or <c>cti</c> (a telephony system: may announce calls, nothing else).</summary>
    public string Role { get; set; } = Roles.Agent;

    /// <summary>The password's hash (<c>hash-password</c> command), for signing in on the desktop.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>An API key's hash (<c>new-key</c> command), for systems and scripts (header <c>X-Api-Key</c>).</summary>
    public string? KeyHash { get; set; }
}

/// <summary>The roles and what they may do.</summary>
public static class Roles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Cti = "cti";

    public static readonly IReadOnlyList<string> All = [Agent, Supervisor, Cti];

    public static bool IsKnown(string? role) => role is Agent or Supervisor or Cti;

    /// <summary>Policy: serves customers on the desktop (agents and supervisors).</summary>
    public const string ServesCustomers = "serves-customers";

    /// <summary>Policy: announces calls (telephony systems and supervisors, who may test a ring).</summary>
    public const string AnnouncesCalls = "announces-calls";

    /// <summary>Policy: reads the audit trail and unmasked contact data.</summary>
    public const string Supervises = "supervises";
}
