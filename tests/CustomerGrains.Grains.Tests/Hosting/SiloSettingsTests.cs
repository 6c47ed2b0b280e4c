using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Tests.Hosting;

public sealed class SiloSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Every_problem_of_a_cluster_configuration_is_reported_at_once()
    {
        var error = Assert.Throws<OptionsValidationException>(() => SiloSettings.From(Configuration(
            ("Storage:Mode", "Postgres"),
            ("Orleans:SiloPort", "0"),
            ("Orleans:Membership:NumMissedProbesLimit", "0"),
            ("Orleans:AdvertisedAddress", "not-an-ip"))));

        Assert.Contains(error.Failures, f => f.Contains("Storage:Postgres:ConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Orleans:SiloPort", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Orleans:Membership:NumMissedProbesLimit", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Orleans:AdvertisedAddress", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_storage_mode_the_embedded_default_needs_no_connection_string()
    {
        var settings = SiloSettings.From(Configuration());

        Assert.Equal(StorageMode.Sqlite, settings.Mode);
    }

    [Fact]
    public void An_unknown_storage_mode_is_named_in_the_error()
    {
        var error = Assert.Throws<OptionsValidationException>(() => SiloSettings.From(Configuration(("Storage:Mode", "Oracle"))));

        Assert.Contains(error.Failures, f => f.Contains("'Oracle'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_connection_string_gets_bounded_timeouts_and_pool_only_where_it_sets_none()
    {
        var options = new PostgresOptions { ConnectionString = "Host=db;Username=app;Password=secret;Command Timeout=42" };

        var effective = new Npgsql.NpgsqlConnectionStringBuilder(options.EffectiveConnectionString());

        Assert.Equal(42, effective.CommandTimeout);
        Assert.Equal(options.ConnectTimeoutSeconds, effective.Timeout);
        Assert.Equal(options.MaxPoolSize, effective.MaxPoolSize);
        Assert.Equal("UTC", effective.Timezone);
    }
}
