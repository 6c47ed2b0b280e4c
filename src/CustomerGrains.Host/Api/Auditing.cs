using System.Security.Claims;
using CustomerGrains.Grains.ScreenPop;
using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>
/// Records in the audit trail who read which customer's data, when and through which path, and the events that change
/// who may read it (sign-ins, policy changes) or read the trail itself. Each entry is durable before the answer is sent
/// (the trail group-commits concurrent entries).
/// </summary>
public sealed class Auditing(IAuditTrail audit, TimeProvider time)
{
    /// <summary>Records that <paramref name="actor"/> (in <paramref name="role"/>) saw the customers <paramref name="customerIds"/> through <paramref name="path"/>.</summary>
    public Task RecordAsync(string actor, string role, IEnumerable<string> customerIds, string path, string? detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(AuditEntry.Of(time.GetUtcNow(), actor, role, customerIds, path, detail), cancellationToken);

    /// <summary>Records that the signed-in caller saw the customers <paramref name="customerIds"/> through <paramref name="path"/>.</summary>
    public Task RecordAsync(ClaimsPrincipal user, IEnumerable<string> customerIds, string path, string? detail, CancellationToken cancellationToken)
    {
        var (id, role) = user.Caller();
        return RecordAsync(id, role, customerIds, path, detail, cancellationToken);
    }

    /// <summary>Records an event about no one customer (a sign-in, a policy change, a read of the trail); its customer id is empty.</summary>
    public Task RecordEventAsync(string actor, string role, string path, string? detail, CancellationToken cancellationToken) =>
        RecordAsync(actor, role, [""], path, detail, cancellationToken);
}
