namespace CustomerGrains.Host.Agents;

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
