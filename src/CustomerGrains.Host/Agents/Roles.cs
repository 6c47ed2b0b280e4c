namespace CustomerGrains.Host.Agents;

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
