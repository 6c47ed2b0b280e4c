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
    /// The card an agent sees, as the engine's compact card has it, built by PostgreSQL as one JSON document in one
    /// query by phone number: the profile (name, phones masked to their last four digits as <c>+•••••••0142</c>,
    /// e-mail masked as <c>a•••@example.com</c>), the tier (net spend), the lifecycle stage (purchases and recency),
    /// the recommended treatment (open complaint, mood, spend, recency) and the last interactions (up to 10,
    /// newest first, each with a one-line description).
    /// </summary>
    public const string ScreenPopSql = $$"""
        with c as (
          select c.customer_id, c.name, c.email
          from {{Schema}}.phones p
          join {{Schema}}.customers c on c.customer_id = p.customer_id
          where p.phone = $1
          order by p.customer_id
          limit 1),
        a as (
          select count(*) filter (where i.type = 'purchase') as purchases,
                 coalesce(sum(i.amount) filter (where i.type = 'purchase'), 0)
                   - coalesce(sum(i.amount) filter (where i.type = 'return'), 0) as net,
                 max(i.occurred_at) filter (where i.type = 'purchase') as last_purchase,
                 count(*) filter (where i.type = 'complaintOpened') - count(*) filter (where i.type = 'complaintResolved') as open_complaints
          from c join {{Schema}}.interactions i on i.customer_id = c.customer_id),
        m as (
          select i.emotion from c join {{Schema}}.interactions i on i.customer_id = c.customer_id
          where i.type = 'contact' and i.emotion is not null
          order by i.occurred_at desc
          limit 1),
        r as (
          select i.* from c join {{Schema}}.interactions i on i.customer_id = c.customer_id
          order by i.occurred_at desc, i.event_id desc
          limit 10),
        t as (
          select case when a.net >= 1000 then 'A' when a.net >= 300 then 'B' when a.net >= 0 then 'C' else 'D' end as tier,
                 case when a.purchases = 0 then 'prospect'
                      when a.last_purchase < now() - interval '365 days' then 'churned'
                      when a.last_purchase < now() - interval '180 days' then 'decline'
                      when a.purchases = 1 then 'exploration'
                      when a.purchases < 5 then 'formation'
                      else 'stability' end as stage
          from a)
        select json_build_object(
          'customerId', c.customer_id,
          'profile', json_build_object(
            'name', c.name,
            'phones', (select json_agg(regexp_replace(p.phone, '[0-9](?=([^0-9]*[0-9]){4})', '•', 'g') order by p.phone)
                       from {{Schema}}.phones p where p.customer_id = c.customer_id),
            'email', case when c.email ~ '.@' then left(c.email, 1) || '•••' || substring(c.email from '@[^@]*$')
                          when c.email is not null then '•••' end),
          'tier', t.tier,
          'stage', t.stage,
          'treatment', json_build_object(
            'action', case
                        when a.open_complaints > 0 then 'resolve-open-complaint'
                        when m.emotion in ('angry', 'fearful') then 'de-escalate'
                        when a.net >= 2000 then 'priority-service'
                        when a.last_purchase < now() - interval '365 days' then 'win-back-offer'
                        else 'standard-service'
                      end,
            'recoveryScript', case m.emotion when 'angry' then 'calm-and-own' when 'fearful' then 'reassure'
                                             when 'sad' then 'empathise' when 'disappointed' then 'make-it-right' end,
            'apologise', a.open_complaints > 0,
            'compensationEligible', a.open_complaints > 0 and t.tier in ('A', 'B')),
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
            from r), '[]'::json))::text
        from c cross join a cross join t left join m on true
        """;

    private const string SchemaSql = $"""
        drop schema if exists {Schema} cascade;
        create schema {Schema};
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
                $"PostgreSQL {version} on {where}; schema {Schema}: customers, phones (pk phone+customer, index customer), interactions (pk event, index customer+type+time including amount, emotion, channel, index customer+time); pool of {poolSize} connections, prepared statements; the card is built as JSON by PostgreSQL");
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

    /// <summary>One screen-pop: one SQL round trip that returns the card as JSON; ok when a customer was found, its size the card's UTF-8 bytes.</summary>
    public async ValueTask<StepResult> ScreenPopAsync(string phone, CancellationToken cancellation) =>
        await CardAsync(phone, cancellation) is { } card ? StepResult.Ok(200, Encoding.UTF8.GetByteCount(card)) : StepResult.Fail(404);

    /// <summary>The card of the first customer holding <paramref name="phone"/> as JSON (see <see cref="ScreenPopSql"/>); null when none does.</summary>
    public async Task<string?> CardAsync(string phone, CancellationToken cancellation)
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
