using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Changes;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace CustomerGrains.Grains.Value;

/// <summary>Value model versions and population statistics in the embedded SQLite database.</summary>
public sealed class SqliteValueModelStore(EmbeddedDatabases databases) : IValueModelStore
{
    private readonly SqliteDatabase database = databases.Log;

    internal static readonly JsonSerializerOptions StatisticsJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public Task<StoredModel?> LatestModelAsync(CancellationToken cancellationToken) => ModelAsync(null, cancellationToken);

    public Task<StoredModel?> ModelAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken) => ModelAsync(at, cancellationToken);

    public Task<StoredPopulation?> LatestPopulationAsync(CancellationToken cancellationToken) => PopulationAsync(null, cancellationToken);

    public Task<StoredPopulation?> PopulationAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken) => PopulationAsync(at, cancellationToken);

    public Task<StoredModel?> ModelVersionAsync(long version, CancellationToken cancellationToken) =>
        ReadModelAsync(ValueModelSql.ByVersion, "@version", version, cancellationToken);

    /// <summary>The newest model stored by <paramref name="at"/> (any time when null).</summary>
    private Task<StoredModel?> ModelAsync(DateTimeOffset? at, CancellationToken cancellationToken) =>
        ReadModelAsync(ValueModelSql.NewestBy, "@at", (object?)SqliteDatabase.Time(at) ?? DBNull.Value, cancellationToken);

    /// <summary>The model version a <see cref="ValueModelSql"/> query of one parameter finds, if any.</summary>
    private Task<StoredModel?> ReadModelAsync(string query, string parameter, object value, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = query;
            command.Parameters.AddWithValue(parameter, value);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? ValueModelSql.Read(r, (reader, i) => SqliteDatabase.ParseTime(reader.GetString(i))) : null;
        }, cancellationToken);

    /// <summary>The newest population measured by <paramref name="at"/> (any time when null).</summary>
    private Task<StoredPopulation?> PopulationAsync(DateTimeOffset? at, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT version, model_version, created_at, statistics FROM population_statistics
                WHERE $at IS NULL OR created_at <= $at ORDER BY version DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$at", (object?)SqliteDatabase.Time(at) ?? DBNull.Value);
            await using var r = await command.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                return null;
            }
            var statistics = JsonSerializer.Deserialize<PopulationStatistics>(r.GetString(3), StatisticsJson)
                ?? throw new JsonException("Stored population statistics are empty.");
            return new StoredPopulation(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), SqliteDatabase.ParseTime(r.GetString(2)), statistics);
        }, cancellationToken);

    public Task<long> SaveModelAsync(FittedModel model, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ValueModelSql.Insert;
            command.Parameters.AddWithValue("@at", SqliteDatabase.Time(at));
            foreach (var (name, _, value) in ValueModelSql.Values(model))
            {
                command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
            }
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    public Task<long> SavePopulationAsync(long? modelVersion, PopulationStatistics statistics, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO population_statistics (model_version, created_at, customers, statistics)
                VALUES ($model, $at, $customers, $statistics)
                RETURNING version
                """;
            command.Parameters.AddWithValue("$model", (object?)modelVersion ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", SqliteDatabase.Time(at));
            command.Parameters.AddWithValue("$customers", statistics.Customers);
            command.Parameters.AddWithValue("$statistics", JsonSerializer.Serialize(statistics, StatisticsJson));
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);
}

/// <summary>
/// The customer read model in the embedded default's readmodel.db, a file of its own, so its writes never wait for the
/// interaction log's appends nor hold them up (<see cref="Storage.ReadModelFile"/>). Upserts are group-committed: the rows waiting while the
/// previous group commits are written in one transaction (one fsync). Each upsert completes once its group is durable;
/// if a group fails, each of its upserts fails. The changes a row makes to the change feed are written in the row's
/// transaction (<see cref="SqliteChangeWriter"/>).
/// </summary>
public sealed class SqliteCustomerReadModel : ICustomerReadModel, IAsyncDisposable
{
    private static readonly string[] Parameters =
    [
        "@id", "@seen", "@first", "@repeat", "@last_repeat", "@repeat_net", "@minutes", "@complaints", "@returns", "@last",
        "@purchases", "@net", "@stage", "@review", "@traits", "@updated", "@tier", "@net_value", "@p_alive", "@marketing", "@quadrant",
    ];

    private readonly SqliteDatabase database;
    private readonly GroupCommitter<CustomerReadModelRow, bool> upserts;

    public SqliteCustomerReadModel(EmbeddedDatabases databases)
    {
        database = databases.ReadModel;
        upserts = new GroupCommitter<CustomerReadModelRow, bool>(UpsertGroupAsync);
    }

    public Task UpsertAsync(CustomerReadModelRow row, CancellationToken cancellationToken) => upserts.SubmitAsync(row, cancellationToken);

    public Task DeleteAsync(string customerId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM customer_read_model WHERE customer_id = @id";
            command.Parameters.AddWithValue("@id", customerId);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    private Task<IReadOnlyList<bool>> UpsertGroupAsync(IReadOnlyList<CustomerReadModelRow> rows, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = CustomerReadModelSql.Upsert;
            var p = command.Parameters;
            foreach (var name in Parameters)
            {
                p.Add(new SqliteParameter(name, null));
            }
            await using var changes = new SqliteChangeWriter(connection, transaction);
            var segments = await changes.SegmentsAsync(ct);
            foreach (var row in rows)
            {
                // The changes first, measured against the row this one replaces (the file has one writer: nothing writes between).
                await changes.WriteAsync(row, segments, ct);
                var i = row.Inputs;
                p[0].Value = row.CustomerId;
                p[1].Value = Time(i.FirstSeenAt);
                p[2].Value = Time(i.FirstPurchaseAt);
                p[3].Value = i.RepeatPurchaseCount;
                p[4].Value = Time(i.LastRepeatPurchaseAt);
                p[5].Value = i.RepeatNetSpendSum;
                p[6].Value = i.CallMinutes;
                p[7].Value = i.ComplaintCount;
                p[8].Value = i.ReturnCount;
                p[9].Value = Time(i.LastPurchaseAt);
                p[10].Value = i.TotalPurchaseCount;
                p[11].Value = i.TotalNetSpend;
                p[12].Value = (object?)row.Stage ?? DBNull.Value;
                p[13].Value = Time(row.NextReviewAt);
                p[14].Value = (object?)CustomerReadModelSql.Traits(row.NeedTraits) ?? DBNull.Value;
                p[15].Value = SqliteDatabase.Time(row.UpdatedAt);
                var figures = row.Figures;
                p[16].Value = (object?)figures?.Tier ?? DBNull.Value;
                p[17].Value = (object?)figures?.NetValue ?? DBNull.Value;
                p[18].Value = (object?)figures?.PAlive ?? DBNull.Value;
                p[19].Value = (object?)figures?.MarketingMode ?? DBNull.Value;
                p[20].Value = (object?)figures?.SelectionQuadrant ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return (IReadOnlyList<bool>)[.. rows.Select(_ => true)];
        }, cancellationToken);

    public ValueTask DisposeAsync() => upserts.DisposeAsync();

    public IAsyncEnumerable<PopulationMember> ReadPopulationAsync(CancellationToken cancellationToken) =>
        CustomerReadModelSql.AllAsync((after, token) => database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = CustomerReadModelSql.Page;
            command.Parameters.AddWithValue("@after", after);
            command.Parameters.AddWithValue("@limit", CustomerReadModelSql.PageSize);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await CustomerReadModelSql.ReadPageAsync(r, OptionalTime, ct);
        }, token), cancellationToken);

    public Task<IReadOnlyList<string>> DueForReviewAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = CustomerReadModelSql.Due;
            command.Parameters.AddWithValue("@now", SqliteDatabase.Time(now));
            command.Parameters.AddWithValue("@limit", maxCount);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await CustomerReadModelSql.ReadIdsAsync(r, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> IdsAfterAsync(string after, int maxCount, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = CustomerReadModelSql.Ids;
            command.Parameters.AddWithValue("@after", after);
            command.Parameters.AddWithValue("@limit", maxCount);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await CustomerReadModelSql.ReadIdsAsync(r, ct);
        }, cancellationToken);

    public Task<CustomerListSlice> ListAsync(CustomerListQuery query, int maxCount, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            // A read transaction in WAL mode sees one snapshot: the count is of the same rows the page was taken from.
            await using var transaction = connection.BeginTransaction(deferred: true);
            IReadOnlyList<CustomerListing> rows;
            await using (var command = Command(connection, CustomerListSql.Page(query, maxCount), transaction))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                rows = await CustomerListSql.ReadAsync(r, OptionalTime, ct);
            }
            return new CustomerListSlice(rows, await CountAsync(connection, query, transaction, ct));
        }, cancellationToken);

    public Task<int> CountAsync(CustomerListQuery query, CancellationToken cancellationToken) =>
        database.WithConnectionAsync((connection, ct) => CountAsync(connection, query, null, ct), cancellationToken);

    private static async Task<int> CountAsync(SqliteConnection connection, CustomerListQuery query, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, CustomerListSql.Count(query), transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection connection, (string Text, List<CustomerListSql.Parameter> Parameters) statement, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Text;
        command.Transaction = transaction;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.AddWithValue("@" + name, value);
        }
        return command;
    }

    private static object Time(DateTimeOffset? at) => (object?)SqliteDatabase.Time(at) ?? DBNull.Value;

    private static DateTimeOffset? OptionalTime(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : SqliteDatabase.ParseTime(r.GetString(i));
}
