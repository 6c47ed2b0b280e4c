using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Storage;
using Npgsql;

namespace CustomerGrains.Grains.Rules;

/// <summary>
/// Service policies in the cluster's PostgreSQL database (deploy/sql/postgres/log-003), shared by every silo: a policy
/// installed through any silo is found by every silo's refresh. The policy with the highest id is in force; saves take
/// turns on a lock, so the last save to commit holds the highest id.
/// </summary>
public sealed class PostgresPolicyStore(PostgresDatabase database) : IPolicyStore
{
    public Task<StoredPolicy?> LatestAsync(CancellationToken cancellationToken) => PolicyAsync(null, cancellationToken);

    public Task<StoredPolicy?> AsOfAsync(DateTimeOffset at, CancellationToken cancellationToken) => PolicyAsync(at, cancellationToken);

    private async Task<StoredPolicy?> PolicyAsync(DateTimeOffset? at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT version, created_at, document FROM service_policy WHERE @at IS NULL OR created_at <= @at ORDER BY id DESC LIMIT 1", connection);
        command.Parameters.Add(PostgresValues.Time("at", at));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? new StoredPolicy(r.GetString(0), PostgresValues.Time(r, 1), r.GetString(2)) : null;
    }

    public async Task<bool> SaveAsync(StoredPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO service_policy (version, created_at, document) VALUES (@v, @at, @doc) ON CONFLICT (version) DO NOTHING");
        insert.Parameters.AddWithValue("v", policy.Version);
        insert.Parameters.AddWithValue("at", policy.CreatedAt.UtcDateTime);
        insert.Parameters.AddWithValue("doc", policy.Document);
        return await database.InsertInIdOrderAsync(PostgresDatabase.PolicyLockClass, insert, cancellationToken) == 1;
    }
}

/// <summary>
/// Lifecycle alerts in the cluster's PostgreSQL database (deploy/sql/postgres/log-003). A change recorded by two silos
/// (a sweep repeated, or run on two silos during a rebalance) is stored once. Appends take turns on a lock so that ids
/// commit in order, and a reader paging with "after the last id" never passes over an alert that commits later; a new
/// alert is published in the change feed in the same statement (under the feed's lock too, see postgres/log-007).
/// </summary>
public sealed class PostgresCustomerAlerts(PostgresDatabase database) : ICustomerAlerts
{
    public async Task AppendAsync(CustomerAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        // A new alert is published in the change feed in the same statement; one recorded before was published then.
        var insert = new NpgsqlBatchCommand("""
            WITH alert AS (
                INSERT INTO customer_alerts (customer_id, kind, from_stage, to_stage, at, reasons)
                VALUES (@c, @k, @f, @t, @at, @r) ON CONFLICT (customer_id, to_stage, at) DO NOTHING
                RETURNING customer_id, kind, from_stage, to_stage, at, reasons)
            INSERT INTO customer_changes (customer_id, kind, from_value, to_value, at, detail)
            SELECT customer_id, @change_kind, from_stage, to_stage, at, kind || ': ' || reasons FROM alert
            """);
        insert.Parameters.AddWithValue("change_kind", CustomerChangeKinds.Alert);
        insert.Parameters.AddWithValue("c", alert.CustomerId);
        insert.Parameters.AddWithValue("k", alert.Kind);
        insert.Parameters.Add(PostgresValues.Text("f", alert.FromStage));
        insert.Parameters.AddWithValue("t", alert.ToStage);
        insert.Parameters.AddWithValue("at", alert.At.UtcDateTime);
        insert.Parameters.AddWithValue("r", alert.Reasons);
        await database.InsertInIdOrderAsync([PostgresDatabase.AlertLockClass, PostgresDatabase.ChangeLockClass], insert, cancellationToken);
    }

    public async Task<IReadOnlyList<CustomerAlert>> ReadAsync(long afterId, int maxCount, string? customerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(customerId is null
            ? "SELECT id, customer_id, kind, from_stage, to_stage, at, reasons FROM customer_alerts WHERE id > @after ORDER BY id LIMIT @limit"
            : "SELECT id, customer_id, kind, from_stage, to_stage, at, reasons FROM customer_alerts WHERE customer_id = @c AND id > @after ORDER BY id LIMIT @limit",
            connection);
        command.Parameters.AddWithValue("after", afterId);
        command.Parameters.AddWithValue("limit", maxCount);
        if (customerId is not null)
        {
            command.Parameters.AddWithValue("c", customerId);
        }
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var alerts = new List<CustomerAlert>();
        while (await r.ReadAsync(cancellationToken))
        {
            alerts.Add(new CustomerAlert(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), PostgresValues.Time(r, 5), r.GetString(6)));
        }
        return alerts;
    }
}
