using CustomerGrains.Grains.Hosting;
using CustomerGrains.Host.Hosting;
using CustomerGrains.Testing;
using Microsoft.AspNetCore.Builder;

namespace CustomerGrains.Host.Tests;

/// <summary>The README's configuration reference is the one the bound options classes make: every key, its default, its meaning.</summary>
public sealed class ConfigurationReferenceTests
{
    private const string WriteSetting = "CUSTOMERGRAINS_WRITE_README";

    /// <summary>The sections the host binds, as its own wiring registers them.</summary>
    private static List<BoundOptions> Bound()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Development" });
        builder.AddCustomerGrainsHost();
        return [.. builder.Services.Where(d => d.ServiceType == typeof(BoundOptions)).Select(d => (BoundOptions)d.ImplementationInstance!)];
    }

    [Fact]
    public void The_readme_lists_every_key_of_the_bound_options_with_its_default()
    {
        var table = ConfigurationReference.Render(Bound());
        var path = Path.Combine(TestEnvironment.RepositoryRoot, "README.md");
        var readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        var expected = ConfigurationReference.ReplaceIn(readme, table);
        if (Environment.GetEnvironmentVariable(WriteSetting) == "1")
        {
            File.WriteAllText(path, expected);
        }
        Assert.True(readme == expected || Environment.GetEnvironmentVariable(WriteSetting) == "1",
            $"README.md's configuration reference differs from the options classes; write it again with " +
            $"`{WriteSetting}=1 dotnet test tests/CustomerGrains.Host.Tests --filter ConfigurationReferenceTests` and commit it.");
    }

    [Fact]
    public void The_reference_names_keys_as_configuration_binds_them_with_their_defaults_and_meanings()
    {
        var table = ConfigurationReference.Render(Bound());

        Assert.Contains("| `Ingest:MaxBatchSize` | `1000` | The most events one request may carry. Default 1000. |", table, StringComparison.Ordinal);
        Assert.Contains("| `Orleans:Membership:ProbeTimeout` | `00:00:05` |", table, StringComparison.Ordinal);
        Assert.Contains("| `Storage:Postgres:ConnectionString` |  | An Npgsql connection string", table, StringComparison.Ordinal);
        Assert.Contains("| `Agents:SignIn:Window` | `00:01:00` |", table, StringComparison.Ordinal);
        Assert.Contains("| `Agents:Users:{name}:Role` |  | One of `Roles.All`", table, StringComparison.Ordinal);
        Assert.Contains("| `Lifecycle:ChurnPAlive` | `0.2` |", table, StringComparison.Ordinal);
        // A key that is computed, not bound, is not listed.
        Assert.DoesNotContain("`Ingest:Validation", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_options_class_that_validates_itself_is_bound_and_listed()
    {
        var bound = Bound();
        var listed = bound.Select(b => b.Type)
            .SelectMany(t => t.GetProperties().Select(p => p.PropertyType).Append(t))
            .ToHashSet();
        var options = new[] { typeof(ISelfValidatingOptions).Assembly, typeof(ConfigurationReference).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(ISelfValidatingOptions)));

        Assert.Empty(options.Where(t => !listed.Contains(t)).Select(t => t.Name));
        // A class is bound once; a section may hold two (ValueModel: the domain's model options and the silo's refresh intervals).
        Assert.Equal(bound.Count, bound.DistinctBy(b => (b.Section, b.Type)).Count());
    }
}
