using CustomerGrains.Domain.Lifecycle;
using CustomerGrains.Grains.Customers;
using CustomerGrains.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Tests.Hosting;

/// <summary>Options of the domain (records) and of the engine are registered and validated the one way.</summary>
public sealed class ValidatedOptionsTests
{
    [Fact]
    public void A_domain_record_and_an_options_class_report_every_failure_named_by_section_and_key_and_are_listed_for_the_reference()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lifecycle:ChurnPAlive"] = "0.9",
            ["Lifecycle:ReviewInterval"] = "00:00:01",
            ["Cards:MaxAge"] = "2.00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddValidatedOptions<LifecycleOptions>(configuration, "Lifecycle", o => o.Validate());
        services.AddValidatedOptions<CardOptions>(configuration, CardOptions.Section);
        using var provider = services.BuildServiceProvider();

        var lifecycle = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LifecycleOptions>>().Value);
        Assert.Equal(2, lifecycle.Failures.Count());
        Assert.Contains("Lifecycle:ChurnPAlive (0.9) must be below DeclinePAlive (0.5)", lifecycle.Failures);
        Assert.Contains(lifecycle.Failures, f => f.StartsWith("Lifecycle:ReviewInterval must be between 1 minute and 31 days", StringComparison.Ordinal));
        var cards = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CardOptions>>().Value);
        Assert.Equal(["Cards:MaxAge must be between 0 and 1 hour (was 2.00:00:00)"], cards.Failures);
        Assert.Equal([new BoundOptions("Lifecycle", typeof(LifecycleOptions)), new BoundOptions("Cards", typeof(CardOptions))], provider.GetServices<BoundOptions>());
    }
}
