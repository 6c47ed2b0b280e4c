using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// The customer read model's statements and row shape, one text for SQLite and PostgreSQL (both drivers bind
/// <c>@name</c> parameters); each store binds times in its own column type.
/// </summary>
internal static class CustomerReadModelSql
{
    public const int PageSize = 5000;

    /// <summary>
    /// One statement: a first write racing another (a grain moving between silos during a rebalance) becomes an update
    /// instead of failing on the key. The last write wins: the row is a projection of the grain's state, written after
    /// each snapshot, and written again when the state changes.
    /// </summary>
    public const string Upsert = """
        INSERT INTO customer_read_model (customer_id, first_seen_at, first_purchase_at, repeat_purchases, last_repeat_at,
            repeat_net_spend, call_minutes, complaints, returns, last_purchase_at, purchases, net_spend, stage, next_review_at,
            need_traits, updated_at, tier, net_value, p_alive, marketing_mode, selection_quadrant)
        VALUES (@id, @seen, @first, @repeat, @last_repeat, @repeat_net, @minutes, @complaints, @returns, @last, @purchases, @net,
            @stage, @review, @traits, @updated, @tier, @net_value, @p_alive, @marketing, @quadrant)
        ON CONFLICT (customer_id) DO UPDATE SET
            first_seen_at = excluded.first_seen_at, first_purchase_at = excluded.first_purchase_at,
            repeat_purchases = excluded.repeat_purchases, last_repeat_at = excluded.last_repeat_at,
            repeat_net_spend = excluded.repeat_net_spend, call_minutes = excluded.call_minutes,
            complaints = excluded.complaints, returns = excluded.returns, last_purchase_at = excluded.last_purchase_at,
            purchases = excluded.purchases, net_spend = excluded.net_spend, stage = excluded.stage,
            next_review_at = excluded.next_review_at, need_traits = excluded.need_traits, updated_at = excluded.updated_at,
            tier = excluded.tier, net_value = excluded.net_value, p_alive = excluded.p_alive,
            marketing_mode = excluded.marketing_mode, selection_quadrant = excluded.selection_quadrant
        """;

    /// <summary>One page of the population in key order, after <c>@after</c>, at most <c>@limit</c> rows.</summary>
    public const string Page = """
        SELECT customer_id, first_seen_at, first_purchase_at, repeat_purchases, last_repeat_at, repeat_net_spend,
               call_minutes, complaints, returns, last_purchase_at, purchases, net_spend, need_traits
        FROM customer_read_model WHERE customer_id > @after ORDER BY customer_id LIMIT @limit
        """;

    /// <summary>Customer ids after <c>@after</c> in key order, at most <c>@limit</c>.</summary>
    public const string Ids = "SELECT customer_id FROM customer_read_model WHERE customer_id > @after ORDER BY customer_id LIMIT @limit";

    /// <summary>The customers whose review is due at <c>@now</c>, oldest first, at most <c>@limit</c>.</summary>
    public const string Due = """
        SELECT customer_id FROM customer_read_model
        WHERE next_review_at IS NOT NULL AND next_review_at <= @now
        ORDER BY next_review_at LIMIT @limit
        """;

    public static string? Traits(IReadOnlyDictionary<string, double>? traits) =>
        traits is null ? null : JsonSerializer.Serialize(traits, SqliteValueModelStore.StatisticsJson);

    /// <summary>The whole population, page by page: no connection is held while the caller works on a page.</summary>
    public static async IAsyncEnumerable<PopulationMember> AllAsync(
        Func<string, CancellationToken, Task<List<(string Id, PopulationMember Member)>>> readPage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = "";
        while (true)
        {
            var page = await readPage(after, cancellationToken);
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

    /// <summary>The rows of <see cref="Page"/>, with <paramref name="time"/> reading a time column as the store keeps it.</summary>
    public static async Task<List<(string Id, PopulationMember Member)>> ReadPageAsync(
        DbDataReader r, Func<DbDataReader, int, DateTimeOffset?> time, CancellationToken cancellationToken)
    {
        var rows = new List<(string Id, PopulationMember Member)>(PageSize);
        while (await r.ReadAsync(cancellationToken))
        {
            rows.Add((r.GetString(0), new PopulationMember(new ValueInputs
            {
                FirstSeenAt = time(r, 1),
                FirstPurchaseAt = time(r, 2),
                RepeatPurchaseCount = r.GetInt32(3),
                LastRepeatPurchaseAt = time(r, 4),
                RepeatNetSpendSum = r.GetDouble(5),
                RepeatSpendCount = r.GetInt32(3),
                CallMinutes = r.GetDouble(6),
                ComplaintCount = r.GetInt32(7),
                ReturnCount = r.GetInt32(8),
                LastPurchaseAt = time(r, 9),
                TotalPurchaseCount = r.GetInt32(10),
                TotalNetSpend = r.GetDouble(11),
            }, r.IsDBNull(12) ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(12), SqliteValueModelStore.StatisticsJson))));
        }
        return rows;
    }

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<IReadOnlyList<string>> ReadIdsAsync(DbDataReader r, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        while (await r.ReadAsync(cancellationToken))
        {
            ids.Add(r.GetString(0));
        }
        return ids;
    }
}
