namespace CustomerGrains.Host.Agents;

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
    /// <summary>Reading the change feed (tier, stage, mode, quadrant, segment and alert changes).</summary>
    public const string ChangesRead = "changes:read";

    public static readonly IReadOnlyList<string> All = [InteractionsWrite, CustomersRead, DecisionsRead, PolicyWrite, Maintenance, Privacy, SegmentsWrite, ChangesRead];
}
