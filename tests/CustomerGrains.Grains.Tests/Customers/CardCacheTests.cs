using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Grains.Customers;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Rules;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>
/// Reads of "now" are computed once and then served from memory, until the customer, the rules or time make them stale;
/// and a stored snapshot is a cache of the log that a new stored shape rebuilds.
/// </summary>
public sealed class CardCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DecisionQuery Phone = new() { Channel = "phone" };
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InteractionEvent[] History(string customer, string phone) =>
    [
        new ProfileChanged { EventId = $"{customer}-p", CustomerId = customer, OccurredAt = Start.AddDays(-90), Source = "crm", Name = "Cora Cache", Phones = [phone] },
        new PurchaseMade { EventId = $"{customer}-1", CustomerId = customer, OccurredAt = Start.AddDays(-60), Source = "shop", OrderId = "o1", Amount = 120m, Currency = "EUR" },
        new PurchaseMade { EventId = $"{customer}-2", CustomerId = customer, OccurredAt = Start.AddDays(-20), Source = "shop", OrderId = "o2", Amount = 80m, Currency = "EUR" },
    ];

    private static Task<CustomerCard?> CardAsync(EngineCluster engine, string customer, int applied) =>
        Eventually.UntilAsync(
            () => engine.Client.GetGrain<ICustomerGrain>(customer).GetCardAsync(Phone),
            c => c?.Customer.AppliedEvents >= applied, $"{customer} to apply {applied} events");

    [Fact]
    public async Task The_pop_card_is_served_from_memory_until_an_event_new_rules_or_its_age_make_it_stale()
    {
        using var data = new TempDirectory("cards");
        var clock = new Calendar(Start);
        await using var engine = await EngineCluster.StartAsync(data.Path, new Dictionary<string, string?> { ["Cards:MaxAge"] = "00:01:00" }, clock);
        var id = "cache-" + Guid.NewGuid().ToString("N")[..8];
        var grain = engine.Client.GetGrain<ICustomerGrain>(id);
        await engine.Log.AppendAsync(History(id, "+44 20 7946 0123"), Ct);

        await CardAsync(engine, id, 3);
        const string Number = "+442079460123";
        var first = (await grain.GetScreenPopCardAsync(Number))!;
        Assert.Equal(clock.GetUtcNow(), first.AsOf);

        // Twenty seconds on, nothing changed: the same card, as of the moment it was computed.
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(first.AsOf, (await grain.GetScreenPopCardAsync(Number))!.AsOf);
        // The full snapshot and decision are computed for now (they are not kept).
        Assert.Equal(clock.GetUtcNow(), (await grain.GetSnapshotAsync())!.AsOf);
        Assert.Equal(clock.GetUtcNow(), (await grain.GetDecisionAsync(Phone))!.At);

        // A new event: the next pop shows it, computed anew.
        await engine.Log.AppendAsync([new PurchaseMade
        {
            EventId = $"{id}-3", CustomerId = id, OccurredAt = clock.GetUtcNow().AddMinutes(-1), Source = "shop", OrderId = "o3", Amount = 50m, Currency = "EUR",
        }], Ct);
        await CardAsync(engine, id, 4);
        var afterEvent = (await grain.GetScreenPopCardAsync(Number))!;
        Assert.Equal(clock.GetUtcNow(), afterEvent.AsOf);
        Assert.Equal(4, afterEvent.RecentInteractions.Count);

        // New rules: the next pop is under them.
        var rules = engine.SiloServices.GetRequiredService<RulesContext>();
        rules.InstallPolicy(rules.Current.Policy with { Version = "cache-test-policy" });
        Assert.Equal("cache-test-policy", (await grain.GetScreenPopCardAsync(Number))!.PolicyVersion);

        // Past its age the card is computed again for the new now.
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(clock.GetUtcNow(), (await grain.GetScreenPopCardAsync(Number))!.AsOf);
    }

    /// <summary>A customer with <see cref="History"/> and <paramref name="phone"/>, applied in <paramref name="engine"/>.</summary>
    private static async Task<ICustomerGrain> CustomerAsync(EngineCluster engine, string prefix, string phone)
    {
        var id = prefix + Guid.NewGuid().ToString("N")[..8];
        await engine.Log.AppendAsync(History(id, phone), Ct);
        await CardAsync(engine, id, 3);
        return engine.Client.GetGrain<ICustomerGrain>(id);
    }

    [Fact]
    public async Task The_screen_pop_card_answers_only_for_a_number_the_customer_lists()
    {
        using var data = new TempDirectory("popcard");
        await using var engine = await EngineCluster.StartAsync(data.Path);
        var grain = await CustomerAsync(engine, "pop-", "+44 (0)20 7946 0999");
        var id = grain.GetPrimaryKeyString();

        Assert.Null(await engine.Client.GetGrain<ICustomerGrain>("nobody-" + id).GetScreenPopCardAsync("+442079460999"));
        Assert.Null(await grain.GetScreenPopCardAsync("+442079460998"));
        var card = (await grain.GetScreenPopCardAsync("+442079460999"))!;
        Assert.Equal("Cora Cache", card.Name);
        Assert.Equal(3, card.RecentInteractions.Count);
        Assert.Contains(card.Tier, new[] { "A", "B", "C", "D", "uncalibrated" });
        Assert.Equal(["+44 (0)20 7946 0999"], card.Phones);
    }

    [Fact]
    public async Task A_read_before_the_last_applied_event_or_for_an_unknown_channel_is_refused_by_the_grain()
    {
        using var data = new TempDirectory("readrules");
        await using var engine = await EngineCluster.StartAsync(data.Path);
        var grain = await CustomerAsync(engine, "rules-", "+44 20 7946 0555");

        var early = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.GetSnapshotAsync(Start.AddDays(-30)));
        Assert.StartsWith("asOf", early.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.GetDecisionAsync(Phone with { AsOf = Start.AddDays(-30) }));
        var channel = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.GetDecisionAsync(new DecisionQuery { Channel = "pigeon" }));
        Assert.Contains("Unknown channel 'pigeon'", channel.Message, StringComparison.Ordinal);
        Assert.NotNull(await grain.GetDecisionAsync(Phone with { AsOf = DateTimeOffset.UtcNow.AddYears(1) }));
    }

    [Fact]
    public async Task A_stored_snapshot_of_another_schema_is_dropped_and_the_customer_rebuilt_from_the_log()
    {
        using var data = new TempDirectory("schema");
        await using var engine = await EngineCluster.StartAsync(data.Path);
        var storage = engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(CustomerGrainsSiloBuilderExtensions.CustomerStorage);
        var believed = engine.Client.GetGrain<ICustomerGrain>("schema-now-" + Guid.NewGuid().ToString("N")[..6]);
        var rebuilt = engine.Client.GetGrain<ICustomerGrain>("schema-old-" + Guid.NewGuid().ToString("N")[..6]);

        // Two customers with the same history, delivered by the stream (each is active before its events are appended, so
        // none is left to deliver later), then saved (a lifecycle review writes what is unsaved).
        foreach (var grain in new[] { believed, rebuilt })
        {
            var id = grain.GetPrimaryKeyString();
            Assert.Null(await grain.GetSnapshotAsync());
            await engine.Log.AppendAsync(History(id, "+44 20 7946 0777"), Ct);
            await CardAsync(engine, id, 3);
            await grain.ReviewAsync();
        }

        // Each stored snapshot is replaced by one that claims a purchase of 999 the log never held, and the customers
        // leave memory: the snapshot stored in the current schema is believed; the one in an older schema is rebuilt.
        foreach (var (grain, schema) in new[] { (believed, CustomerGrainState.CurrentSchema), (rebuilt, 1) })
        {
            var id = grain.GetPrimaryKeyString();
            var state = new GrainState<CustomerGrainState>();
            await storage.ReadStateAsync("customer", grain.GetGrainId(), state);
            Assert.Equal(3, state.State!.LastSequence);
            var forged = new CustomerState(id);
            foreach (var e in History(id, "+44 20 7946 0777"))
            {
                forged.Apply(e);
            }
            forged.Apply(new PurchaseMade { EventId = "forged", CustomerId = id, OccurredAt = Start.AddDays(-10), Source = "x", OrderId = "f", Amount = 999m, Currency = "EUR" });
            state.State = new CustomerGrainState { Schema = schema, LastSequence = 3, LastPosition = state.State.LastPosition, Customer = forged };
            await storage.WriteStateAsync("customer", grain.GetGrainId(), state);
        }
        await Task.WhenAll(engine.DeactivateAsync(believed), engine.DeactivateAsync(rebuilt));

        await Eventually.UntilAsync(() => believed.GetSnapshotAsync(), s => s?.Purchases.NetSpend == 1199m, "the current-schema snapshot to be read back");
        Assert.Equal(200m, (await rebuilt.GetSnapshotAsync())!.Purchases.NetSpend);
        Assert.Equal(3, (await rebuilt.GetSnapshotAsync())!.AppliedEvents);
    }
}
