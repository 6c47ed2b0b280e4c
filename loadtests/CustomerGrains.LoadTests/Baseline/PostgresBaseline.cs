using System.Diagnostics;
using System.Text;
using CustomerGrains.LoadTests.Data;
using CustomerGrains.LoadTests.Runner;
using CustomerGrains.Testing;
using Npgsql;

namespace CustomerGrains.LoadTests.Baseline;

/// <summary>
/// What users pick instead: the screen-pop card and a service decision computed from PostgreSQL directly,
/// as a conventional CRM does: normalised customers, phones and interactions tables with the indexes a
/// competent DBA adds, and one SQL round trip per lookup (prepared, from a connection pool). The data is
/// the seed's own files, loaded with COPY.
/// </summary>
public sealed class PostgresBaseline : IAsyncDisposable
{
    public const string Schema = "customergrains_baseline";

    /// <summary>
    /// The screen-pop's answer as the engine gives it (<c>GET /api/screenpop?ani=</c>, compact view, for an agent), built by
    /// PostgreSQL as one JSON document in one query by phone number: <c>{"ani", "e164", "customers": [...]}</c> with a card
    /// for every customer holding the number, most valuable first, each with the compact card's fields under the same
    /// names (null fields left out, as the engine does): customerId, asOf, name, phones and email masked (<c>+•••••••0142</c>,
    /// <c>a•••@example.com</c>), tier with its policy's display name, service level, routing priority and compensation
    /// limit (from the <c>tiers</c> table), net value (net spend), lifecycle stage (purchases and recency), recovery
    /// script (the latest mood within 30 days), apologise and compensation (an open complaint), next best actions,
    /// last mood, open complaints, the last 10 interactions newest first with a one-line description, and the rules'
    /// version. The rules are a conventional CRM's (spend thresholds and recency), not the engine's value model, so the
    /// values may differ; the fields and the work to fill them are the same.
    /// </summary>
    public const string ScreenPopSql = $$"""
        with owners as (
          select c.customer_id, c.name, c.email
          from {{Schema}}.phones p
          join {{Schema}}.customers c on c.customer_id = p.customer_id
          where p.phone = $1),
        facts as (
          select o.*, a.*, m.emotion, m.channel as mood_channel, m.occurred_at as mood_at, rc.reason as last_reason,
                 case when a.net >= 1000 then 'A' when a.net >= 300 then 'B' when a.net >= 0 then 'C' else 'D' end as tier,
                 case when a.purchases = 0 then 'prospect'
                      when a.last_purchase < now() - interval '365 days' then 'churned'
                      when a.last_purchase < now() - interval '180 days' then 'decline'
                      when a.purchases = 1 then 'exploration'
                      when a.purchases < 5 then 'formation'
                      else 'stability' end as stage
          from owners o
          cross join lateral (
            select count(*) filter (where i.type = 'purchase') as purchases,
                   coalesce(sum(i.amount) filter (where i.type = 'purchase'), 0)
                     - coalesce(sum(i.amount) filter (where i.type = 'return'), 0) as net,
                   max(i.occurred_at) filter (where i.type = 'purchase') as last_purchase
            from {{Schema}}.interactions i where i.customer_id = o.customer_id) a
          left join lateral (
            select i.emotion, i.channel, i.occurred_at from {{Schema}}.interactions i
            where i.customer_id = o.customer_id and i.type = 'contact' and i.emotion is not null
            order by i.occurred_at desc limit 1) m on true
          left join lateral (
            select i.reason from {{Schema}}.interactions i
            where i.customer_id = o.customer_id and i.type = 'contact'
            order by i.occurred_at desc limit 1) rc on true),
        open_complaints as (
          select f.customer_id, json_agg(json_build_object(
                   'complaintId', x.complaint_id, 'severity', coalesce(nullif(x.severity, ''), 'medium'), 'category', nullif(x.reason, ''),
                   'openedAt', x.occurred_at, 'ageDays', extract(epoch from now() - x.occurred_at) / 86400)
                   order by x.occurred_at) as list,
                 bool_or(coalesce(nullif(x.severity, ''), 'medium') in ('medium', 'high', 'critical')) as compensable
          from facts f join {{Schema}}.interactions x on x.customer_id = f.customer_id and x.type = 'complaintOpened'
          where not exists (select 1 from {{Schema}}.interactions r
                            where r.customer_id = x.customer_id and r.type = 'complaintResolved' and r.complaint_id = x.complaint_id)
          group by f.customer_id),
        cards as (
          select f.net, f.customer_id, json_strip_nulls(json_build_object(
            'customerId', f.customer_id,
            'asOf', now(),
            'name', f.name,
            'phones', (select json_agg(regexp_replace(p.phone, '[0-9](?=([^0-9]*[0-9]){4})', '•', 'g') order by p.phone)
                       from {{Schema}}.phones p where p.customer_id = f.customer_id),
            'email', case when f.email ~ '.@' then left(f.email, 1) || '•••' || substring(f.email from '@[^@]*$')
                          when f.email is not null then '•••' end,
            'tier', f.tier,
            'tierName', t.display_name,
            'netValue', f.net,
            'stage', f.stage,
            'serviceLevel', t.service_level,
            'routingPriority', t.routing_priority,
            'recoveryScript', case when f.mood_at >= now() - interval '30 days' then
                                case f.emotion when 'angry' then 'angry-customer-recovery' when 'anxious' then 'anxious-customer-reassurance'
                                               when 'suspicious' then 'suspicious-customer-transparency' when 'fearful' then 'fearful-customer-safety'
                                               when 'calm' then 'calm-customer-standard' end end,
            'apologise', oc.customer_id is not null,
            'compensationEligible', coalesce(oc.compensable, false) and t.compensation_limit > 0,
            'compensationLimit', case when coalesce(oc.compensable, false) then t.compensation_limit else 0 end,
            'actions', to_json(array_remove(array[
                         case when f.tier in ('A', 'B') and f.last_reason in ('cancel', 'contractEnd') then 'retentionOffer' end,
                         case when f.stage = 'churned' and f.net >= 300 then 'winBackOffer' end,
                         t.care_action], null)),
            'lastMood', case when f.emotion is not null then json_build_object('emotion', f.emotion, 'channel', coalesce(nullif(f.mood_channel, ''), 'phone'), 'at', f.mood_at) end,
            'openComplaints', coalesce(oc.list, '[]'::json),
            'recentInteractions', coalesce((
              select json_agg(json_build_object(
                       'eventId', r.event_id, 'type', r.type, 'at', r.occurred_at,
                       'summary', case r.type
                         when 'purchase' then 'purchase: ' || to_char(r.amount, 'FM999999990.00') || ' EUR'
                         when 'return' then 'return: ' || to_char(r.amount, 'FM999999990.00') || coalesce(' (' || nullif(r.reason, '') || ')', '')
                         when 'contact' then coalesce(nullif(r.channel, ''), 'phone') || ' contact'
                           || coalesce(' about ' || nullif(r.reason, ''), '') || coalesce(', ' || nullif(r.emotion, ''), '')
                         when 'complaintOpened' then 'complaint ' || r.complaint_id || ' opened ('
                           || coalesce(nullif(r.severity, ''), 'medium') || coalesce(', ' || nullif(r.reason, ''), '') || ')'
                         when 'complaintResolved' then 'complaint ' || r.complaint_id || ' resolved'
                         else r.type end)
                     order by r.occurred_at desc, r.event_id desc)
              from (select * from {{Schema}}.interactions i where i.customer_id = f.customer_id
                    order by i.occurred_at desc, i.event_id desc limit 10) r), '[]'::json),
            'policyVersion', 'crm-rules-sql')) as card
          from facts f
          join {{Schema}}.tiers t on t.tier = f.tier
          left join open_complaints oc on oc.customer_id = f.customer_id)
        select json_build_object('ani', $1::text, 'e164', $1::text,
                                 'customers', json_agg(card order by net desc, customer_id))::text
        from cards
        having count(*) > 0
        """;

    private const string SchemaSql = $"""
        drop schema if exists {Schema} cascade;
        create schema {Schema};
        create table {Schema}.tiers (tier text primary key, display_name text not null, service_level text not null, routing_priority int not null,
          compensation_limit numeric(12, 2) not null, care_action text);
        insert into {Schema}.tiers values
          ('A', 'Platinum', 'dedicatedSeniorAgent', 1, 200, 'personalGiftOrEvent'), ('B', 'Gold', 'priorityQueue', 2, 75, 'holidayGift'),
          ('C', 'Silver', 'standard', 3, 25, 'greeting'), ('D', 'Bronze', 'selfServiceFirst', 4, 0, null);
        create table {Schema}.customers (customer_id text primary key, name text not null, email text);
        create table {Schema}.phones (phone text not null, customer_id text not null references {Schema}.customers, primary key (phone, customer_id));
        create table {Schema}.interactions (
          event_id text primary key, customer_id text not null references {Schema}.customers, type text not null,
          occurred_at timestamptz not null, amount numeric(12, 2), channel text, emotion text, reason text, complaint_id text, severity text);
        """;

    private const string IndexSql = $"""
        create index on {Schema}.phones (customer_id);
        create index on {Schema}.interactions (customer_id, type, occurred_at desc) include (amount, emotion, channel);
        create index on {Schema}.interactions (customer_id, occurred_at desc);
        analyze {Schema}.customers; analyze {Schema}.phones; analyze {Schema}.interactions;
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly PrivatePostgres? server;

    private PostgresBaseline(NpgsqlDataSource dataSource, PrivatePostgres? server, string description)
    {
        this.dataSource = dataSource;
        this.server = server;
        Description = description;
    }

    /// <summary>Where the baseline runs and what it holds, for the report header.</summary>
    public string Description { get; }

    /// <summary>
    /// Connects to <paramref name="connectionString"/>, or starts a private PostgreSQL when it is null, and
    /// loads the seed into the schema <see cref="Schema"/> (dropped first).
    /// </summary>
    public static async Task<PostgresBaseline> StartAsync(string? connectionString, string seedDirectory, int poolSize, TextWriter log, CancellationToken cancellation)
    {
        PrivatePostgres? server = null;
        if (connectionString is null)
        {
            await log.WriteLineAsync("baseline: starting a private PostgreSQL ...");
            server = await PrivatePostgres.StartNewAsync(cancellation);
            connectionString = server.ConnectionString;
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = poolSize,
            MaxAutoPrepare = 10,
            AutoPrepareMinUsages = 2,
            CommandTimeout = 300,
        };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            var clock = Stopwatch.StartNew();
            await using (var connection = await dataSource.OpenConnectionAsync(cancellation))
            {
                await Execute(connection, SchemaSql, cancellation);
                await CopyAsync(connection, "customers (customer_id, name, email)", Path.Combine(seedDirectory, SeedFiles.Customers), cancellation);
                await CopyAsync(connection, "phones (phone, customer_id)", Path.Combine(seedDirectory, SeedFiles.Phones), cancellation);
                await CopyAsync(connection, "interactions (event_id, customer_id, type, occurred_at, amount, channel, emotion, reason, complaint_id, severity)",
                    Path.Combine(seedDirectory, SeedFiles.Interactions), cancellation);
                await Execute(connection, IndexSql, cancellation);
            }
            string version;
            await using (var command = dataSource.CreateCommand("show server_version"))
            {
                version = (string)(await command.ExecuteScalarAsync(cancellation))!;
            }
            var where = server is null ? $"the given server {builder.Host}:{builder.Port}" : $"a private server started by the runner on 127.0.0.1:{server.Port} (shared_buffers 64MB, fsync on)";
            await log.WriteLineAsync($"baseline: PostgreSQL {version} loaded in {clock.Elapsed.TotalSeconds:0.0} s");
            return new PostgresBaseline(dataSource, server,
                $"PostgreSQL {version} on {where}; schema {Schema}: customers, phones (pk phone+customer, index customer), interactions (pk event, index customer+type+time including amount, emotion, channel, index customer+time), tiers; pool of {poolSize} connections, prepared statements; the answer is built as JSON by PostgreSQL");
        }
        catch
        {
            await dataSource.DisposeAsync();
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>One screen-pop: one SQL round trip that returns the answer as JSON; ok when a customer was found, its size the answer's UTF-8 bytes.</summary>
    public async ValueTask<StepResult> ScreenPopAsync(string phone, CancellationToken cancellation) =>
        await AnswerAsync(phone, cancellation) is { } answer ? StepResult.Ok(200, Encoding.UTF8.GetByteCount(answer)) : StepResult.Fail(404);

    /// <summary>The screen-pop's answer for <paramref name="phone"/> as JSON, the engine's shape (see <see cref="ScreenPopSql"/>); null when no customer holds it.</summary>
    public async Task<string?> AnswerAsync(string phone, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(ScreenPopSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? reader.GetString(0) : null;
    }

    private const string InsertSql = $"""
        insert into {Schema}.interactions (event_id, customer_id, type, occurred_at, channel, reason)
        select e, c, 'contact', now(), 'phone', 'billing' from unnest($1::text[], $2::text[]) as x(e, c)
        """;

    /// <summary>Ingest as a CRM does it: the events as rows, one committed INSERT (one round trip) per request.</summary>
    public async ValueTask<StepResult> InsertContactsAsync(string prefix, int count, Func<string> customer, CancellationToken cancellation)
    {
        var ids = new string[count];
        var customers = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = $"{prefix}-{i}";
            customers[i] = customer();
        }
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = customers });
        var rows = await command.ExecuteNonQueryAsync(cancellation);
        return rows == count ? StepResult.Ok(201) : StepResult.Fail(500);
    }

    public async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        _ = await command.ExecuteNonQueryAsync(cancellation);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, string file, CancellationToken cancellation)
    {
        await using var writer = await connection.BeginTextImportAsync($"COPY {Schema}.{table} FROM STDIN (FORMAT csv, HEADER true)", cancellation);
        using var reader = new StreamReader(file);
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellation)) > 0)
        {
            await writer.WriteAsync(buffer.AsMemory(0, read), cancellation);
        }
    }
}
