namespace CustomerGrains.Grains.Rules;

/// <summary>A stored service policy: its version, when it was installed, and the JSON document.</summary>
public sealed record StoredPolicy(string Version, DateTimeOffset CreatedAt, string Document);

/// <summary>The service policies, shared by every silo; the newest is in force.</summary>
public interface IPolicyStore
{
    Task<StoredPolicy?> LatestAsync(CancellationToken cancellationToken);

    /// <summary>The newest policy stored by <paramref name="at"/>: the one in force then (null: none was, the default was).</summary>
    Task<StoredPolicy?> AsOfAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Stores a policy as the newest. Returns false when its version is already stored.</summary>
    Task<bool> SaveAsync(StoredPolicy policy, CancellationToken cancellationToken);
}

/// <summary>A stage change noticed without anyone reading the customer.</summary>
public sealed record CustomerAlert(long Id, string CustomerId, string Kind, string? FromStage, string ToStage, DateTimeOffset At, string Reasons);

/// <summary>Alerts for retention work, in the order they were noticed.</summary>
public interface ICustomerAlerts
{
    /// <summary>Records an alert; one that was recorded before (same customer, stage and moment) is not repeated.</summary>
    Task AppendAsync(CustomerAlert alert, CancellationToken cancellationToken);

    /// <summary>Alerts after <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<CustomerAlert>> ReadAsync(long afterId, int maxCount, string? customerId, CancellationToken cancellationToken);
}
