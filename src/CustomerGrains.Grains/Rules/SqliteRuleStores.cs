using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Storage;

namespace CustomerGrains.Grains.Rules;

/// <summary>Service policies in the embedded SQLite database.</summary>
public sealed class SqlitePolicyStore(EmbeddedDatabases databases) : IPolicyStore
{
    private readonly SqliteDatabase database = databases.Log;

    public Task<StoredPolicy?> LatestAsync(CancellationToken cancellationToken) => PolicyAsync(null, cancellationToken);

    public Task<StoredPolicy?> AsOfAsync(DateTimeOffset at, CancellationToken cancellationToken) => PolicyAsync(at, cancellationToken);

    private Task<StoredPolicy?> PolicyAsync(DateTimeOffset? at, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version, created_at, document FROM service_policy WHERE $at IS NULL OR created_at <= $at ORDER BY id DESC LIMIT 1";
            command.Parameters.AddWithValue("$at", (object?)SqliteDatabase.Time(at) ?? DBNull.Value);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? new StoredPolicy(r.GetString(0), SqliteDatabase.ParseTime(r.GetString(1)), r.GetString(2)) : null;
        }, cancellationToken);

    public Task<bool> SaveAsync(StoredPolicy policy, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO service_policy (version, created_at, document) VALUES ($v, $at, $doc) ON CONFLICT (version) DO NOTHING";
            command.Parameters.AddWithValue("$v", policy.Version);
            command.Parameters.AddWithValue("$at", SqliteDatabase.Time(policy.CreatedAt));
            command.Parameters.AddWithValue("$doc", policy.Document);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
}

/// <summary>Lifecycle alerts in the embedded SQLite database.</summary>
public sealed class SqliteCustomerAlerts(EmbeddedDatabases databases) : ICustomerAlerts
{
    private readonly SqliteDatabase database = databases.ReadModel;

    public Task AppendAsync(CustomerAlert alert, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO customer_alerts (customer_id, kind, from_stage, to_stage, at, reasons)
                VALUES ($c, $k, $f, $t, $at, $r) ON CONFLICT (customer_id, to_stage, at) DO NOTHING
                """;
            command.Parameters.AddWithValue("$c", alert.CustomerId);
            command.Parameters.AddWithValue("$k", alert.Kind);
            command.Parameters.AddWithValue("$f", (object?)alert.FromStage ?? DBNull.Value);
            command.Parameters.AddWithValue("$t", alert.ToStage);
            command.Parameters.AddWithValue("$at", SqliteDatabase.Time(alert.At));
            command.Parameters.AddWithValue("$r", alert.Reasons);
            var added = await command.ExecuteNonQueryAsync(ct);
            if (added == 1)
            {
                // A new alert is published in the change feed with it; one recorded before was published then.
                await using var changes = new SqliteChangeWriter(connection, transaction);
                await changes.InsertAsync(alert.CustomerId,
                    new PendingChange(CustomerChangeKinds.Alert, alert.FromStage, alert.ToStage), alert.At, $"{alert.Kind}: {alert.Reasons}", ct);
            }
            await transaction.CommitAsync(ct);
            return added;
        }, cancellationToken);

    public Task<IReadOnlyList<CustomerAlert>> ReadAsync(long afterId, int maxCount, string? customerId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT id, customer_id, kind, from_stage, to_stage, at, reasons FROM customer_alerts
                WHERE id > $after AND ($c IS NULL OR customer_id = $c) ORDER BY id LIMIT $limit
                """;
            command.Parameters.AddWithValue("$after", afterId);
            command.Parameters.AddWithValue("$c", (object?)customerId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", maxCount);
            await using var r = await command.ExecuteReaderAsync(ct);
            var alerts = new List<CustomerAlert>();
            while (await r.ReadAsync(ct))
            {
                alerts.Add(new CustomerAlert(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.GetString(4), SqliteDatabase.ParseTime(r.GetString(5)), r.GetString(6)));
            }
            return (IReadOnlyList<CustomerAlert>)alerts;
        }, cancellationToken);
}
