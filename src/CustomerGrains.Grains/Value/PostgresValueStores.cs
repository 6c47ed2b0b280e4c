using System.Runtime.CompilerServices;
using System.Text.Json;
using CustomerGrains.Domain.Value;
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
    public async Task<StoredModel?> LatestModelAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT version, created_at, source, customers, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, gg_p, gg_q, gg_gamma, gg_ll
            FROM value_model ORDER BY version DESC LIMIT 1
            """, connection);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new StoredModel(r.GetInt64(0), PostgresValues.Time(r, 1), new FittedModel(
            new BgNbdParameters(r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7)),
            r.IsDBNull(8) ? null : r.GetDouble(8),
            new GammaGammaParameters(r.GetDouble(9), r.GetDouble(10), r.GetDouble(11)),
            r.IsDBNull(12) ? null : r.GetDouble(12),
            r.GetInt32(3),
            r.GetString(2)));
    }

    public async Task<StoredPopulation?> LatestPopulationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT version, model_version, created_at, statistics FROM population_statistics ORDER BY version DESC LIMIT 1", connection);
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
        await using var command = new NpgsqlCommand("""
            INSERT INTO value_model (created_at, source, customers, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, gg_p, gg_q, gg_gamma, gg_ll)
            VALUES (@at, @source, @customers, @r, @alpha, @a, @b, @bll, @p, @q, @gamma, @gll)
            RETURNING version
            """, connection);
        var p = command.Parameters;
        p.AddWithValue("at", at.UtcDateTime);
        p.AddWithValue("source", model.Source);
        p.AddWithValue("customers", model.Customers);
        p.AddWithValue("r", model.BgNbd.R);
        p.AddWithValue("alpha", model.BgNbd.Alpha);
        p.AddWithValue("a", model.BgNbd.A);
        p.AddWithValue("b", model.BgNbd.B);
        p.Add(PostgresValues.Double("bll", model.BgNbdLogLikelihood));
        p.AddWithValue("p", model.GammaGamma.P);
        p.AddWithValue("q", model.GammaGamma.Q);
        p.AddWithValue("gamma", model.GammaGamma.Gamma);
        p.Add(PostgresValues.Double("gll", model.GammaGammaLogLikelihood));
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
/// written by whichever silo hosts the customer's grain, read by the population measurement, the lifecycle sweep
/// and the <c>fit</c> command.
/// </summary>
public sealed class PostgresCustomerReadModel(PostgresDatabase database) : ICustomerReadModel
{
    private const int PageSize = 5000;

    // One statement: a first write of a customer racing another silo's (a grain moving during a rebalance) turns
    // into an update instead of failing on the key. The last write wins, as in the embedded store: the row is a
    // projection of the grain's state, written after each snapshot, and the grain writes it again when it changes.
    private const string UpsertSql = """
        INSERT INTO customer_read_model (customer_id, first_seen_at, first_purchase_at, repeat_purchases, last_repeat_at,
            repeat_net_spend, call_minutes, complaints, returns, last_purchase_at, purchases, net_spend, stage, next_review_at,
            need_traits, updated_at)
        VALUES (@id, @seen, @first, @repeat, @last_repeat, @repeat_net, @minutes, @complaints, @returns, @last, @purchases, @net,
            @stage, @review, @traits, @updated)
        ON CONFLICT (customer_id) DO UPDATE SET
            first_seen_at = excluded.first_seen_at, first_purchase_at = excluded.first_purchase_at,
            repeat_purchases = excluded.repeat_purchases, last_repeat_at = excluded.last_repeat_at,
            repeat_net_spend = excluded.repeat_net_spend, call_minutes = excluded.call_minutes,
            complaints = excluded.complaints, returns = excluded.returns, last_purchase_at = excluded.last_purchase_at,
            purchases = excluded.purchases, net_spend = excluded.net_spend, stage = excluded.stage,
            next_review_at = excluded.next_review_at, need_traits = excluded.need_traits, updated_at = excluded.updated_at
        """;

    public async Task UpsertAsync(CustomerReadModelRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var i = row.Inputs;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(UpsertSql, connection);
        var p = command.Parameters;
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
        p.Add(PostgresValues.Text("traits", row.NeedTraits is null ? null : JsonSerializer.Serialize(row.NeedTraits, SqliteValueModelStore.StatisticsJson)));
        p.AddWithValue("updated", row.UpdatedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async IAsyncEnumerable<PopulationMember> ReadPopulationAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Pages by key rather than one long query: no connection is held while the caller works on a page.
        var after = "";
        while (true)
        {
            var page = await ReadPageAsync(after, cancellationToken);
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

    private async Task<List<(string Id, PopulationMember Member)>> ReadPageAsync(string after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT customer_id, first_seen_at, first_purchase_at, repeat_purchases, last_repeat_at, repeat_net_spend,
                   call_minutes, complaints, returns, last_purchase_at, purchases, net_spend, need_traits
            FROM customer_read_model WHERE customer_id > @after ORDER BY customer_id LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", PageSize);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string Id, PopulationMember Member)>(PageSize);
        while (await r.ReadAsync(cancellationToken))
        {
            rows.Add((r.GetString(0), new PopulationMember(new ValueInputs
            {
                FirstSeenAt = PostgresValues.OptionalTime(r, 1),
                FirstPurchaseAt = PostgresValues.OptionalTime(r, 2),
                RepeatPurchaseCount = r.GetInt32(3),
                LastRepeatPurchaseAt = PostgresValues.OptionalTime(r, 4),
                RepeatNetSpendSum = r.GetDouble(5),
                RepeatSpendCount = r.GetInt32(3),
                CallMinutes = r.GetDouble(6),
                ComplaintCount = r.GetInt32(7),
                ReturnCount = r.GetInt32(8),
                LastPurchaseAt = PostgresValues.OptionalTime(r, 9),
                TotalPurchaseCount = r.GetInt32(10),
                TotalNetSpend = r.GetDouble(11),
            }, r.IsDBNull(12) ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(12), SqliteValueModelStore.StatisticsJson))));
        }
        return rows;
    }

    public async Task<IReadOnlyList<string>> DueForReviewAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT customer_id FROM customer_read_model
            WHERE next_review_at IS NOT NULL AND next_review_at <= @now
            ORDER BY next_review_at LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("limit", maxCount);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<string>();
        while (await r.ReadAsync(cancellationToken))
        {
            due.Add(r.GetString(0));
        }
        return due;
    }
}
