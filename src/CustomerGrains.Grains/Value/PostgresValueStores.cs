using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// Value model versions and population statistics in the cluster's PostgreSQL database (deploy/sql/postgres/log-002),
/// shared by every silo: a fit stored by the <c>fit</c> command or a measurement made on any silo is what every
/// silo's refresh finds next.
/// </summary>
public sealed class PostgresValueModelStore(PostgresDatabase database) : IValueModelStore
{
    public Task<StoredModel?> LatestModelAsync(CancellationToken cancellationToken) => ModelAsync(null, cancellationToken);

    public Task<StoredModel?> ModelAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken) => ModelAsync(at, cancellationToken);

    public Task<StoredPopulation?> LatestPopulationAsync(CancellationToken cancellationToken) => PopulationAsync(null, cancellationToken);

    public Task<StoredPopulation?> PopulationAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken) => PopulationAsync(at, cancellationToken);

    public Task<StoredModel?> ModelVersionAsync(long version, CancellationToken cancellationToken) =>
        ReadModelAsync(ValueModelSql.ByVersion, new NpgsqlParameter("version", NpgsqlDbType.Bigint) { Value = version }, cancellationToken);

    /// <summary>The newest model stored by <paramref name="at"/> (any time when null).</summary>
    private Task<StoredModel?> ModelAsync(DateTimeOffset? at, CancellationToken cancellationToken) =>
        ReadModelAsync(ValueModelSql.NewestBy, PostgresValues.Time("at", at), cancellationToken);

    /// <summary>The model version a <see cref="ValueModelSql"/> query of one parameter finds, if any.</summary>
    private async Task<StoredModel?> ReadModelAsync(string query, NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.Add(parameter);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ValueModelSql.Read(r, PostgresValues.Time) : null;
    }

    /// <summary>The newest population measured by <paramref name="at"/> (any time when null).</summary>
    private async Task<StoredPopulation?> PopulationAsync(DateTimeOffset? at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT version, model_version, created_at, statistics FROM population_statistics
            WHERE @at IS NULL OR created_at <= @at ORDER BY version DESC LIMIT 1
            """, connection);
        command.Parameters.Add(PostgresValues.Time("at", at));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }
        var statistics = JsonSerializer.Deserialize<PopulationStatistics>(r.GetString(3), SqliteValueModelStore.StatisticsJson)
            ?? throw new JsonException("Stored population statistics are empty.");
        return new StoredPopulation(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), PostgresValues.Time(r, 2), statistics);
    }

    public async Task<long> SaveModelAsync(FittedModel model, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(ValueModelSql.Insert, connection);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        foreach (var (name, type, value) in ValueModelSql.Values(model))
        {
            command.Parameters.Add(type == typeof(string) ? PostgresValues.Text(name, (string?)value)
                : type == typeof(int) ? new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value }
                : PostgresValues.Double(name, (double?)value));
        }
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> SavePopulationAsync(long? modelVersion, PopulationStatistics statistics, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO population_statistics (model_version, created_at, customers, statistics)
            VALUES (@model, @at, @customers, @statistics)
            RETURNING version
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("model", NpgsqlDbType.Bigint) { Value = (object?)modelVersion ?? DBNull.Value });
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("customers", statistics.Customers);
        command.Parameters.AddWithValue("statistics", JsonSerializer.Serialize(statistics, SqliteValueModelStore.StatisticsJson));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

/// <summary>
/// The customer read model in the cluster's PostgreSQL database (deploy/sql/postgres/log-002): one row per customer,
/// written by whichever silo hosts the customer's grain (with the changes it makes to the change feed, in one
/// transaction: <see cref="PostgresChangeWriter"/>), read by the population measurement, the lifecycle sweep and the
/// <c>fit</c> command.
/// </summary>
public sealed class PostgresCustomerReadModel(PostgresDatabase database) : ICustomerReadModel
{
    public async Task UpsertAsync(CustomerReadModelRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var i = row.Inputs;
        var upsert = new NpgsqlBatchCommand(CustomerReadModelSql.Upsert);
        var p = upsert.Parameters;
        p.AddWithValue("id", row.CustomerId);
        p.Add(PostgresValues.Time("seen", i.FirstSeenAt));
        p.Add(PostgresValues.Time("first", i.FirstPurchaseAt));
        p.AddWithValue("repeat", i.RepeatPurchaseCount);
        p.Add(PostgresValues.Time("last_repeat", i.LastRepeatPurchaseAt));
        p.AddWithValue("repeat_net", i.RepeatNetSpendSum);
        p.AddWithValue("minutes", i.CallMinutes);
        p.AddWithValue("complaints", i.ComplaintCount);
        p.AddWithValue("returns", i.ReturnCount);
        p.Add(PostgresValues.Time("last", i.LastPurchaseAt));
        p.AddWithValue("purchases", i.TotalPurchaseCount);
        p.AddWithValue("net", i.TotalNetSpend);
        p.Add(PostgresValues.Text("stage", row.Stage));
        p.Add(PostgresValues.Time("review", row.NextReviewAt));
        p.Add(PostgresValues.Text("traits", CustomerReadModelSql.Traits(row.NeedTraits)));
        p.AddWithValue("updated", row.UpdatedAt.UtcDateTime);
        var figures = row.Figures;
        p.Add(PostgresValues.Text("tier", figures?.Tier));
        p.Add(PostgresValues.Double("net_value", figures?.NetValue));
        p.Add(PostgresValues.Double("p_alive", figures?.PAlive));
        p.Add(PostgresValues.Text("marketing", figures?.MarketingMode));
        p.Add(PostgresValues.Text("quadrant", figures?.SelectionQuadrant));
        await PostgresChangeWriter.UpsertWithChangesAsync(database, row, upsert, cancellationToken);
    }

    public async Task<CustomerListSlice> ListAsync(CustomerListQuery query, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Repeatable read: both statements see the snapshot of the first, so the count is of the rows the page came from.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        IReadOnlyList<CustomerListing> rows;
        await using (var command = Command(connection, CustomerListSql.Page(query, maxCount)))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            rows = await CustomerListSql.ReadAsync(r, PostgresValues.OptionalTime, cancellationToken);
        }
        var total = await CountAsync(connection, query, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CustomerListSlice(rows, total);
    }

    public async Task<int> CountAsync(CustomerListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await CountAsync(connection, query, cancellationToken);
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, CustomerListQuery query, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, CustomerListSql.Count(query));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, (string Text, List<CustomerListSql.Parameter> Parameters) statement)
    {
        var command = new NpgsqlCommand(statement.Text, connection);
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    public async Task DeleteAsync(string customerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM customer_read_model WHERE customer_id = @id", connection);
        command.Parameters.AddWithValue("id", customerId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public IAsyncEnumerable<PopulationMember> ReadPopulationAsync(CancellationToken cancellationToken) =>
        CustomerReadModelSql.AllAsync(ReadPageAsync, cancellationToken);

    private async Task<List<(string Id, PopulationMember Member)>> ReadPageAsync(string after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(CustomerReadModelSql.Page, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", CustomerReadModelSql.PageSize);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await CustomerReadModelSql.ReadPageAsync(r, PostgresValues.OptionalTime, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> DueForReviewAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(CustomerReadModelSql.Due, connection);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("limit", maxCount);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await CustomerReadModelSql.ReadIdsAsync(r, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> IdsAfterAsync(string after, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(CustomerReadModelSql.Ids, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", maxCount);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await CustomerReadModelSql.ReadIdsAsync(r, cancellationToken);
    }
}
