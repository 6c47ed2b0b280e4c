using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Hosting;
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

    public Task<StoredModel?> LatestModelAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT version, created_at, source, customers, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, gg_p, gg_q, gg_gamma, gg_ll
                FROM value_model ORDER BY version DESC LIMIT 1
                """;
            await using var r = await command.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                return null;
            }
            return new StoredModel(r.GetInt64(0), SqliteDatabase.ParseTime(r.GetString(1)), new FittedModel(
                new BgNbdParameters(r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7)),
                r.IsDBNull(8) ? null : r.GetDouble(8),
                new GammaGammaParameters(r.GetDouble(9), r.GetDouble(10), r.GetDouble(11)),
                r.IsDBNull(12) ? null : r.GetDouble(12),
                r.GetInt32(3),
                r.GetString(2)));
        }, cancellationToken);

    public Task<StoredPopulation?> LatestPopulationAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version, model_version, created_at, statistics FROM population_statistics ORDER BY version DESC LIMIT 1";
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
            command.CommandText = """
                INSERT INTO value_model (created_at, source, customers, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, gg_p, gg_q, gg_gamma, gg_ll)
                VALUES ($at, $source, $customers, $r, $alpha, $a, $b, $bll, $p, $q, $gamma, $gll)
                RETURNING version
                """;
            command.Parameters.AddWithValue("$at", SqliteDatabase.Time(at));
            command.Parameters.AddWithValue("$source", model.Source);
            command.Parameters.AddWithValue("$customers", model.Customers);
            command.Parameters.AddWithValue("$r", model.BgNbd.R);
            command.Parameters.AddWithValue("$alpha", model.BgNbd.Alpha);
            command.Parameters.AddWithValue("$a", model.BgNbd.A);
            command.Parameters.AddWithValue("$b", model.BgNbd.B);
            command.Parameters.AddWithValue("$bll", (object?)model.BgNbdLogLikelihood ?? DBNull.Value);
            command.Parameters.AddWithValue("$p", model.GammaGamma.P);
            command.Parameters.AddWithValue("$q", model.GammaGamma.Q);
            command.Parameters.AddWithValue("$gamma", model.GammaGamma.Gamma);
            command.Parameters.AddWithValue("$gll", (object?)model.GammaGammaLogLikelihood ?? DBNull.Value);
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

/// <summary>The customer read model in the embedded SQLite database.</summary>
public sealed class SqliteCustomerReadModel(EmbeddedDatabases databases) : ICustomerReadModel
{
    private readonly SqliteDatabase database = databases.Log;

    private const int PageSize = 5000;

    public Task UpsertAsync(CustomerReadModelRow row, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, ct) =>
        {
            var i = row.Inputs;
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO customer_read_model (customer_id, first_seen_at, first_purchase_at, repeat_purchases, last_repeat_at,
                    repeat_net_spend, call_minutes, complaints, returns, last_purchase_at, purchases, net_spend, stage, next_review_at, need_traits, updated_at)
                VALUES ($id, $seen, $first, $repeat, $lastRepeat, $repeatNet, $minutes, $complaints, $returns, $last, $purchases, $net, $stage, $review, $traits, $updated)
                ON CONFLICT (customer_id) DO UPDATE SET
                    first_seen_at = excluded.first_seen_at, first_purchase_at = excluded.first_purchase_at,
                    repeat_purchases = excluded.repeat_purchases, last_repeat_at = excluded.last_repeat_at,
                    repeat_net_spend = excluded.repeat_net_spend, call_minutes = excluded.call_minutes,
                    complaints = excluded.complaints, returns = excluded.returns, last_purchase_at = excluded.last_purchase_at,
                    purchases = excluded.purchases, net_spend = excluded.net_spend, stage = excluded.stage,
                    next_review_at = excluded.next_review_at, need_traits = excluded.need_traits, updated_at = excluded.updated_at
                """;
            command.Parameters.AddWithValue("$id", row.CustomerId);
            command.Parameters.AddWithValue("$seen", (object?)SqliteDatabase.Time(i.FirstSeenAt) ?? DBNull.Value);
            command.Parameters.AddWithValue("$first", (object?)SqliteDatabase.Time(i.FirstPurchaseAt) ?? DBNull.Value);
            command.Parameters.AddWithValue("$repeat", i.RepeatPurchaseCount);
            command.Parameters.AddWithValue("$lastRepeat", (object?)SqliteDatabase.Time(i.LastRepeatPurchaseAt) ?? DBNull.Value);
            command.Parameters.AddWithValue("$repeatNet", i.RepeatNetSpendSum);
            command.Parameters.AddWithValue("$minutes", i.CallMinutes);
            command.Parameters.AddWithValue("$complaints", i.ComplaintCount);
            command.Parameters.AddWithValue("$returns", i.ReturnCount);
            command.Parameters.AddWithValue("$last", (object?)SqliteDatabase.Time(i.LastPurchaseAt) ?? DBNull.Value);
            command.Parameters.AddWithValue("$purchases", i.TotalPurchaseCount);
            command.Parameters.AddWithValue("$net", i.TotalNetSpend);
            command.Parameters.AddWithValue("$stage", (object?)row.Stage ?? DBNull.Value);
            command.Parameters.AddWithValue("$review", (object?)SqliteDatabase.Time(row.NextReviewAt) ?? DBNull.Value);
            command.Parameters.AddWithValue("$traits", row.NeedTraits is null ? DBNull.Value : JsonSerializer.Serialize(row.NeedTraits, SqliteValueModelStore.StatisticsJson));
            command.Parameters.AddWithValue("$updated", SqliteDatabase.Time(row.UpdatedAt));
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async IAsyncEnumerable<PopulationMember> ReadPopulationAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = "";
        while (true)
        {
            var page = await database.WithConnectionAsync(async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT customer_id, first_seen_at, first_purchase_at, repeat_purchases, last_repeat_at, repeat_net_spend,
                           call_minutes, complaints, returns, last_purchase_at, purchases, net_spend, need_traits
                    FROM customer_read_model WHERE customer_id > $after ORDER BY customer_id LIMIT $limit
                    """;
                command.Parameters.AddWithValue("$after", after);
                command.Parameters.AddWithValue("$limit", PageSize);
                await using var r = await command.ExecuteReaderAsync(ct);
                var rows = new List<(string Id, PopulationMember Member)>(PageSize);
                while (await r.ReadAsync(ct))
                {
                    rows.Add((r.GetString(0), new PopulationMember(new ValueInputs
                    {
                        FirstSeenAt = OptionalTime(r, 1),
                        FirstPurchaseAt = OptionalTime(r, 2),
                        RepeatPurchaseCount = r.GetInt32(3),
                        LastRepeatPurchaseAt = OptionalTime(r, 4),
                        RepeatNetSpendSum = r.GetDouble(5),
                        RepeatSpendCount = r.GetInt32(3),
                        CallMinutes = r.GetDouble(6),
                        ComplaintCount = r.GetInt32(7),
                        ReturnCount = r.GetInt32(8),
                        LastPurchaseAt = OptionalTime(r, 9),
                        TotalPurchaseCount = r.GetInt32(10),
                        TotalNetSpend = r.GetDouble(11),
                    }, r.IsDBNull(12) ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(12), SqliteValueModelStore.StatisticsJson))));
                }
                return rows;
            }, cancellationToken);
            foreach (var (_, member) in page)
            {
                yield return member;
            }
            if (page.Count < PageSize)
            {
                yield break;
            }
            after = page[^1].Id;
        }
    }

    public Task<IReadOnlyList<string>> DueForReviewAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT customer_id FROM customer_read_model
                WHERE next_review_at IS NOT NULL AND next_review_at <= $now
                ORDER BY next_review_at LIMIT $limit
                """;
            command.Parameters.AddWithValue("$now", SqliteDatabase.Time(now));
            command.Parameters.AddWithValue("$limit", maxCount);
            await using var r = await command.ExecuteReaderAsync(ct);
            var due = new List<string>();
            while (await r.ReadAsync(ct))
            {
                due.Add(r.GetString(0));
            }
            return (IReadOnlyList<string>)due;
        }, cancellationToken);

    private static DateTimeOffset? OptionalTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : SqliteDatabase.ParseTime(r.GetString(i));
}
