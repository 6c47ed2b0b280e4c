using System.Text.Json.Nodes;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Maintenance;
using CustomerGrains.Grains.Tests.Customers;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CustomerGrains.Grains.Tests.Maintenance;

/// <summary>
/// The phone book in pages replaced one directory grain per number. A store written by the build before it has the
/// customers' numbers in the old directory only: the one-time build links every known customer's numbers in the book,
/// so a screen-pop finds customers that were never activated since the upgrade.
/// </summary>
public sealed class PhoneBookBuildTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_an_upgrade_the_build_links_the_numbers_of_customers_stored_by_the_previous_build()
    {
        using var data = new TempDirectory("phone-book");
        await using var engine = await EngineCluster.StartAsync(data.Path);
        var storage = StorageOf(engine);
        var ids = Enumerable.Range(0, 3).Select(i => $"book-{i}-{Guid.NewGuid():N}"[..16]).ToArray();
        var numbers = ids.Select((_, i) => $"+4930123456{i:D2}").ToArray();
        await engine.Log.AppendAsync([.. ids.Select((id, i) => new ProfileChanged
        {
            EventId = $"{id}-p", CustomerId = id, OccurredAt = DateTimeOffset.UtcNow.AddDays(-1), Source = "crm", Name = $"Bea Book {i}", Phones = [numbers[i]],
        })], Ct);
        for (var i = 0; i < ids.Length; i++)
        {
            var (id, number) = (ids[i], numbers[i]);
            await Eventually.UntilAsync(async () => (await engine.Client.PageFor(number).GetCustomersAsync(number)).Contains(id), $"{id} in the phone book");
            var grain = engine.Client.GetGrain<ICustomerGrain>(id);
            await engine.DeactivateAsync(grain);

            // What the previous build stored: the numbers under directoryPhones (its per-number directory), none in the book.
            var state = new GrainState<JsonObject>();
            await storage.ReadStateAsync("customer", grain.GetGrainId(), state);
            var stored = state.State!;
            // (Written from the number itself: the snapshot a deactivation wrote while the link's answer was still on its way
            // does not list it yet, and the next activation links it again.)
            stored["directoryPhones"] = new JsonArray(number);
            stored.Remove("phoneBookPhones");
            await storage.WriteStateAsync("customer", grain.GetGrainId(), state);
            await engine.Client.PageFor(number).UnlinkAsync(number, id);
            Assert.Empty(await engine.Client.PageFor(number).GetCustomersAsync(number));
        }
        // ... and a maintenance record from before the book.
        var maintenance = engine.Client.GetGrain<IMaintenanceGrain>(0);
        await engine.DeactivateAsync(maintenance);
        var record = new GrainState<MaintenanceState>();
        await storage.ReadStateAsync("maintenance", maintenance.GetGrainId(), record);
        record.State = new MaintenanceState();
        await storage.WriteStateAsync("maintenance", maintenance.GetGrainId(), record);

        Assert.True(await maintenance.BuildPhoneBookAsync());

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal([ids[i]], await engine.Client.PageFor(numbers[i]).GetCustomersAsync(numbers[i]));
        }
        // Done once: the record says so, and the customers' snapshots record their numbers as in the book.
        await engine.DeactivateAsync(maintenance);
        await storage.ReadStateAsync("maintenance", maintenance.GetGrainId(), record);
        Assert.Equal(MaintenanceGrain.PhoneBookVersion, record.State.PhoneBookVersion);
        var customer = engine.Client.GetGrain<ICustomerGrain>(ids[0]);
        await engine.DeactivateAsync(customer);
        var snapshot = new GrainState<JsonObject>();
        await storage.ReadStateAsync("customer", customer.GetGrainId(), snapshot);
        Assert.Equal(numbers[0], snapshot.State!["phoneBookPhones"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_store_is_recorded_as_built_at_the_first_start_so_no_build_walks_the_customers_imported_later()
    {
        await using var store = await NewStore.StartAsync("phone-book-new");
        var (storage, maintenance) = (store.Storage, store.Maintenance);

        var record = await RecordOf(storage, maintenance);

        Assert.True(record.RecordExists);
        Assert.Equal(MaintenanceGrain.PhoneBookVersion, record.State!.PhoneBookVersion);
        // Nothing left to build: the build answers done without reading a customer.
        Assert.True(await maintenance.BuildPhoneBookAsync());
    }

    [Fact]
    public async Task A_silo_starting_beside_another_accepts_the_new_store_record_the_other_wrote_first()
    {
        await using var store = await NewStore.StartAsync("phone-book-race");
        var (engine, storage, maintenance) = (store.Engine, store.Storage, store.Maintenance);
        // An activation that read the store before any record existed ...
        await engine.DeactivateAsync(maintenance);
        var record = await RecordOf(storage, maintenance);
        await storage.ClearStateAsync("maintenance", maintenance.GetGrainId(), record);
        Assert.Equal(0, await maintenance.SweepLifecycleAsync());
        // ... while another silo's activation recorded the new store first (two silos starting together).
        var other = await RecordOf(storage, maintenance);
        Assert.False(other.RecordExists);
        other.State = new MaintenanceState { PhoneBookVersion = MaintenanceGrain.PhoneBookVersion };
        await storage.WriteStateAsync("maintenance", maintenance.GetGrainId(), other);

        // The start-up call of the first silo then meets a record it did not read: it must not fail the silo's start.
        await maintenance.EnsureScheduledAsync();

        Assert.Equal(MaintenanceGrain.PhoneBookVersion, (await RecordOf(storage, maintenance)).State!.PhoneBookVersion);
        Assert.True(await maintenance.BuildPhoneBookAsync());
    }

    [Fact]
    public void A_number_always_lands_on_the_same_page_and_numbers_spread_over_the_pages()
    {
        Assert.Equal(PhoneBook.PageOf("+4930123456"), PhoneBook.PageOf("+4930123456"));
        var pages = Enumerable.Range(0, 20_000).Select(i => PhoneBook.PageOf($"+49301{i:D7}")).ToList();
        Assert.All(pages, p => Assert.InRange(p, 0, PhoneBook.Pages - 1));
        // 20,000 numbers over 16,384 pages: most pages hold one or two, none a crowd.
        Assert.True(pages.Distinct().Count() > 10_000, $"only {pages.Distinct().Count()} pages used");
        Assert.True(pages.GroupBy(p => p).Max(g => g.Count()) <= 8);
    }

    private static IGrainStorage StorageOf(EngineCluster engine) =>
        engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(CustomerGrainsSiloBuilderExtensions.CustomerStorage);

    /// <summary>The maintenance grain's stored record, read behind the grain's back.</summary>
    private static async Task<GrainState<MaintenanceState>> RecordOf(IGrainStorage storage, IMaintenanceGrain maintenance)
    {
        var record = new GrainState<MaintenanceState>();
        await storage.ReadStateAsync("maintenance", maintenance.GetGrainId(), record);
        return record;
    }

    /// <summary>An engine on a store of its own, started for the first time, with its storage and maintenance grain.</summary>
    private sealed class NewStore(TempDirectory data, EngineCluster engine) : IAsyncDisposable
    {
        public EngineCluster Engine => engine;
        public IGrainStorage Storage { get; } = StorageOf(engine);
        public IMaintenanceGrain Maintenance { get; } = engine.Client.GetGrain<IMaintenanceGrain>(0);

        public static async Task<NewStore> StartAsync(string name)
        {
            var data = new TempDirectory(name);
            return new NewStore(data, await EngineCluster.StartAsync(data.Path));
        }

        public async ValueTask DisposeAsync()
        {
            await engine.DisposeAsync();
            data.Dispose();
        }
    }
}
