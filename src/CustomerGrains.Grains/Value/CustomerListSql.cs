using System.Data.Common;
using System.Text;
using CustomerGrains.Abstractions;

namespace CustomerGrains.Grains.Value;

/// <summary>
/// A filtered, sorted, cursor-paged list of the read model, one text for SQLite and PostgreSQL (deploy/sql/sqlite/log-006,
/// postgres/log-005). Pages are read by key set (the last row's sort value and id), so a page costs the same wherever it
/// is in the list and a row written between two pages neither repeats nor hides another.
/// </summary>
internal static class CustomerListSql
{
    private const string Columns = """
        customer_id, tier, stage, net_value, p_alive, marketing_mode, selection_quadrant, purchases, net_spend,
        last_purchase_at, updated_at
        """;

    /// <summary>A parameter of a list statement: its name (without <c>@</c>) and value, never null.</summary>
    public readonly record struct Parameter(string Name, object Value);

    /// <summary>The statement of one page of <paramref name="query"/> (valid and normalised), at most <paramref name="maxCount"/> rows.</summary>
    public static (string Text, List<Parameter> Parameters) Page(CustomerListQuery query, int maxCount)
    {
        var (column, descending) = SortOf(query.SortOrDefault);
        var (where, parameters) = Where(query);
        if (query.After is { } after && ListCursor.Read(after, query.SortOrDefault) is { } cursor)
        {
            var before = descending ? "<" : ">";
            parameters.Add(new("cursor_id", cursor.CustomerId));
            if (column == "customer_id")
            {
                where.Append($" AND customer_id {before} @cursor_id");
            }
            else
            {
                parameters.Add(new("cursor_value", cursor.Value!.Value));
                where.Append($" AND ({column} {before} @cursor_value OR ({column} = @cursor_value AND customer_id {before} @cursor_id))");
            }
        }
        var direction = descending ? " DESC" : "";
        var order = column == "customer_id" ? $"customer_id{direction}" : $"{column}{direction}, customer_id{direction}";
        parameters.Add(new("limit", maxCount));
        return ($"SELECT {Columns} FROM customer_read_model WHERE {where} ORDER BY {order} LIMIT @limit", parameters);
    }

    /// <summary>The statement counting the customers of <paramref name="query"/>'s filter (and sort figure).</summary>
    public static (string Text, List<Parameter> Parameters) Count(CustomerListQuery query)
    {
        var (where, parameters) = Where(query);
        return ($"SELECT COUNT(*) FROM customer_read_model WHERE {where}", parameters);
    }

    private static (string Column, bool Descending) SortOf(string sort) => sort.TrimStart('-') switch
    {
        "netValue" => ("net_value", sort.StartsWith('-')),
        "pAlive" => ("p_alive", sort.StartsWith('-')),
        _ => ("customer_id", false),
    };

    private static (StringBuilder Where, List<Parameter> Parameters) Where(CustomerListQuery query)
    {
        var where = new StringBuilder("1 = 1");
        var parameters = new List<Parameter>();
        void Condition(string condition, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(condition);
                parameters.Add(new(name, value));
            }
        }
        var f = query.Filter;
        Condition("tier = @tier", "tier", f.Tier);
        Condition("stage = @stage", "stage", f.Stage);
        Condition("marketing_mode = @marketing", "marketing", f.MarketingMode);
        Condition("selection_quadrant = @quadrant", "quadrant", f.SelectionQuadrant);
        Condition("net_value >= @min_net", "min_net", f.MinNetValue);
        Condition("net_value <= @max_net", "max_net", f.MaxNetValue);
        Condition("p_alive >= @min_alive", "min_alive", f.MinPAlive);
        Condition("p_alive <= @max_alive", "max_alive", f.MaxPAlive);
        var (column, _) = SortOf(query.SortOrDefault);
        if (column != "customer_id")
        {
            where.Append($" AND {column} IS NOT NULL");
        }
        return (where, parameters);
    }

    /// <summary>The rows of <see cref="Page"/>, with <paramref name="time"/> reading a time column as the store keeps it.</summary>
    public static async Task<IReadOnlyList<CustomerListing>> ReadAsync(
        DbDataReader r, Func<DbDataReader, int, DateTimeOffset?> time, CancellationToken cancellationToken)
    {
        var rows = new List<CustomerListing>();
        while (await r.ReadAsync(cancellationToken))
        {
            rows.Add(new CustomerListing
            {
                CustomerId = r.GetString(0),
                Tier = Text(r, 1),
                Stage = Text(r, 2),
                NetValue = r.IsDBNull(3) ? null : r.GetDouble(3),
                PAlive = r.IsDBNull(4) ? null : r.GetDouble(4),
                MarketingMode = Text(r, 5),
                SelectionQuadrant = Text(r, 6),
                Purchases = r.GetInt32(7),
                NetSpend = r.GetDouble(8),
                LastPurchaseAt = time(r, 9),
                UpdatedAt = time(r, 10)!.Value,
            });
        }
        return rows;
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
