using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// Who may do what: one named policy per kind of use, each a set of roles plus the scopes that let a <c>service</c> in.
/// Every endpoint names one of them (or is explicitly public); anything else falls back to "signed in". The README's
/// access table and the host tests' matrix are this table.
/// </summary>
public static class Access
{
    /// <summary>Reads a customer's whole snapshot: contact data unmasked.</summary>
    public const string ReadCustomers = "read-customers";

    /// <summary>
    /// Reads many customers at once (<c>POST /api/customers/batch</c>): whoever may read snapshots or decisions; the
    /// endpoint then asks <see cref="ReadCustomers"/> for the snapshot view and <see cref="ReadDecisions"/> for the decision view.
    /// </summary>
    public const string ReadCustomerBatch = "read-customer-batch";

    /// <summary>Finds the customers of a phone number (cards masked for everyone but supervisors).</summary>
    public const string ScreenPop = "screen-pop";

    /// <summary>Writes interaction events.</summary>
    public const string WriteInteractions = "write-interactions";

    /// <summary>Records a stated preference: an agent from the card, or a service.</summary>
    public const string StatePreferences = "state-preferences";

    /// <summary>Reads decisions.</summary>
    public const string ReadDecisions = "read-decisions";

    /// <summary>Reads the lifecycle alerts.</summary>
    public const string ReadAlerts = "read-alerts";

    /// <summary>Reads the service policy in force.</summary>
    public const string ReadPolicy = "read-policy";

    /// <summary>Installs a policy or tries a candidate.</summary>
    public const string WritePolicy = "write-policy";

    /// <summary>Reads what the population measurement found (the tier report): figures about tiers, no one customer's data.</summary>
    public const string ReadPopulation = "read-population";

    /// <summary>Runs maintenance now.</summary>
    public const string Maintain = "maintain";

    /// <summary>Lists customers by filter (<c>GET /api/customers</c>) and reads saved segments and their members.</summary>
    public const string ReadSegments = "read-segments";

    /// <summary>Saves and deletes segments.</summary>
    public const string WriteSegments = "write-segments";

    /// <summary>Reads the change feed (<c>GET /api/changes</c>): tier, stage, mode, quadrant and segment changes and alerts of every customer.</summary>
    public const string ReadChanges = "read-changes";

    /// <summary>Answers a customer's data rights: exports everything held about them, or erases it.</summary>
    public const string CustomerDataRights = "customer-data-rights";

    /// <summary>Reads what retention would shred (a dry run) and runs it now: operators and privacy services.</summary>
    public const string ManageRetention = "manage-retention";

    /// <summary>Scrapes the metrics (<c>/metrics</c>): anyone on the same machine (a local agent or sidecar), else operators.</summary>
    public const string ReadMetrics = "read-metrics";

    /// <summary>Opens the Orleans dashboard (when it is enabled): people who watch the cluster.</summary>
    public const string OpenDashboard = "open-dashboard";

    /// <summary>A policy: the roles it lets in, the scopes that let a service in, and (FromLoopback) whether any caller on the loopback address is let in, signed in or not.</summary>
    private sealed record Rule(string Policy, string[] Roles, string[] Scopes, bool FromLoopback = false);

    private static readonly Rule[] Rules =
    [
        new(Agents.Roles.ServesCustomers, [Agents.Roles.Agent, Agents.Roles.Supervisor], []),
        new(Agents.Roles.AnnouncesCalls, [Agents.Roles.Cti, Agents.Roles.Supervisor], []),
        new(Agents.Roles.Supervises, [Agents.Roles.Supervisor], [Agents.Scopes.Privacy]),
        new(ReadCustomers, [Agents.Roles.Supervisor], [Agents.Scopes.CustomersRead]),
        new(ReadCustomerBatch, [Agents.Roles.Agent, Agents.Roles.Supervisor], [Agents.Scopes.CustomersRead, Agents.Scopes.DecisionsRead]),
        new(ScreenPop, [Agents.Roles.Agent, Agents.Roles.Supervisor], [Agents.Scopes.CustomersRead]),
        new(WriteInteractions, [], [Agents.Scopes.InteractionsWrite]),
        new(StatePreferences, [Agents.Roles.Agent, Agents.Roles.Supervisor], [Agents.Scopes.InteractionsWrite]),
        new(ReadDecisions, [Agents.Roles.Agent, Agents.Roles.Supervisor], [Agents.Scopes.DecisionsRead]),
        new(ReadAlerts, [Agents.Roles.Supervisor], [Agents.Scopes.DecisionsRead]),
        new(ReadPolicy, [Agents.Roles.Supervisor, Agents.Roles.Admin], [Agents.Scopes.DecisionsRead, Agents.Scopes.PolicyWrite]),
        new(WritePolicy, [Agents.Roles.Admin], [Agents.Scopes.PolicyWrite]),
        new(ReadPopulation, [Agents.Roles.Supervisor, Agents.Roles.Admin], [Agents.Scopes.DecisionsRead, Agents.Scopes.Maintenance]),
        new(Maintain, [Agents.Roles.Admin], [Agents.Scopes.Maintenance]),
        new(ReadSegments, [Agents.Roles.Supervisor], [Agents.Scopes.CustomersRead, Agents.Scopes.DecisionsRead, Agents.Scopes.SegmentsWrite]),
        new(WriteSegments, [Agents.Roles.Supervisor], [Agents.Scopes.SegmentsWrite]),
        new(ReadChanges, [Agents.Roles.Supervisor], [Agents.Scopes.ChangesRead, Agents.Scopes.DecisionsRead]),
        new(CustomerDataRights, [Agents.Roles.Supervisor], [Agents.Scopes.Privacy]),
        new(ManageRetention, [Agents.Roles.Admin], [Agents.Scopes.Privacy]),
        new(ReadMetrics, [Agents.Roles.Admin], [Agents.Scopes.Maintenance], FromLoopback: true),
        new(OpenDashboard, [Agents.Roles.Supervisor, Agents.Roles.Admin], []),
    ];

    /// <summary>Adds every policy, and the fallback: an endpoint that names none needs a signed-in caller.</summary>
    internal static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var rule in Rules)
        {
            authorization.AddPolicy(rule.Policy, p =>
            {
                if (!rule.FromLoopback)
                {
                    p.RequireAuthenticatedUser();
                }
                p.RequireAssertion(context => (rule.FromLoopback && IsLoopback(context.Resource)) || Allows(rule, context.User));
            });
        }
        return authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    /// <summary>Whether the rule lets <paramref name="user"/> in (loops rather than LINQ: this runs on every request).</summary>
    private static bool Allows(Rule rule, ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return false;
        }
        foreach (var role in rule.Roles)
        {
            if (user.IsInRole(role))
            {
                return true;
            }
        }
        if (rule.Scopes.Length == 0 || !user.IsInRole(Agents.Roles.Service))
        {
            return false;
        }
        foreach (var scope in rule.Scopes)
        {
            if (user.HasClaim(Agents.Scopes.ClaimType, scope))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The request came from this machine (after a trusted proxy's forwarded address, when proxies are trusted).</summary>
    private static bool IsLoopback(object? resource) =>
        resource is HttpContext { Connection.RemoteIpAddress: { } address } && IPAddress.IsLoopback(address);
}
