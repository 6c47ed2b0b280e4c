using System.Diagnostics;
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

    /// <summary>The card (profile, phones, purchase figures, contacts, complaints, last mood) and a rule-based decision, by phone number.</summary>
    public const string ScreenPopSql = $"""
        select c.customer_id, c.name, c.email,
               (select array_agg(p2.phone order by p2.phone) from {Schema}.phones p2 where p2.customer_id = c.customer_id) as phones,
               a.purchases, a.gross, a.returned, a.first_purchase, a.last_purchase, a.contacts, a.last_contact, a.complaints, a.resolved,
               m.emotion, m.channel, m.occurred_at,
               case
                 when a.complaints > a.resolved then 'resolve-open-complaint'
                 when m.emotion in ('angry', 'fearful') then 'de-escalate'
                 when a.gross - a.returned >= 2000 then 'priority-service'
                 when a.last_purchase < now() - interval '365 days' then 'win-back-offer'
                 else 'standard-service'
               end as decision
        from {Schema}.phones p
        join {Schema}.customers c on c.customer_id = p.customer_id
        cross join lateral (
          select count(*) filter (where i.type = 'purchase') as purchases,
                 coalesce(sum(i.amount) filter (where i.type = 'purchase'), 0) as gross,
                 coalesce(sum(i.amount) filter (where i.type = 'return'), 0) as returned,
                 min(i.occurred_at) filter (where i.type = 'purchase') as first_purchase,
                 max(i.occurred_at) filter (where i.type = 'purchase') as last_purchase,
                 count(*) filter (where i.type = 'contact') as contacts,
                 max(i.occurred_at) filter (where i.type = 'contact') as last_contact,
                 count(*) filter (where i.type = 'complaintOpened') as complaints,
                 count(*) filter (where i.type = 'complaintResolved') as resolved
          from {Schema}.interactions i where i.customer_id = c.customer_id) a
        left join lateral (
          select i.emotion, i.channel, i.occurred_at from {Schema}.interactions i
          where i.customer_id = c.customer_id and i.type = 'contact' and i.emotion is not null
          order by i.occurred_at desc limit 1) m on true
        where p.phone = $1
        order by p.customer_id
        limit 1
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
                $"PostgreSQL {version} on {where}; schema {Schema}: customers, phones (pk phone+customer, index customer), interactions (pk event, index customer+type+time including amount, emotion, channel); pool of {poolSize} connections, prepared statements");
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

    /// <summary>One screen-pop: one SQL round trip that returns the card and the decision; ok when a customer was found.</summary>
    public async ValueTask<StepResult> ScreenPopAsync(string phone, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(ScreenPopSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
        {
            return StepResult.Fail(404);
        }
        long size = 0;
        for (var i = 0; i < reader.FieldCount; i++)
        {
            size += reader.IsDBNull(i) ? 0 : reader.GetValue(i)?.ToString()?.Length ?? 0;
        }
        return StepResult.Ok(200, size);
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
