using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Tests.Customers;
using CustomerGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CustomerGrains.Grains.Tests.Storage;

/// <summary>
/// The embedded default's grain storage as the silo uses it: writes are group-committed by our own writer, reads
/// and clears go through Orleans' ADO.NET provider, and both must agree on every row and version.
/// </summary>
public sealed class GroupCommittedGrainStorageTests
{
    public sealed class Note
    {
        public string Text { get; set; } = "";
    }

    private static GrainId Id(string key) => GrainId.Create("test-note", key);

    private static string TextOf(GrainState<Note> state) => state.State?.Text ?? "";

    [Fact]
    public async Task Concurrent_writes_of_many_grains_are_each_read_back_by_the_provider_at_their_own_version()
    {
        using var data = new TempDirectory("group-storage");
        await using var engine = await EngineCluster.StartAsync(data.Path);
        var storage = engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(CustomerGrainsSiloBuilderExtensions.CustomerStorage);

        // Written at once: they share groups, and each keeps its own version (the first write of a grain is version 1).
        var states = Enumerable.Range(0, 200).Select(i => new GrainState<Note>(new Note { Text = $"note {i}" })).ToList();
        await Task.WhenAll(states.Select((state, i) => storage.WriteStateAsync("note", Id($"n{i}"), state)));
        Assert.All(states, s => Assert.Equal("1", s.ETag));

        var again = states[7];
        again.State = new Note { Text = "note 7, edited" };
        await storage.WriteStateAsync("note", Id("n7"), again);
        Assert.Equal("2", again.ETag);

        for (var i = 0; i < states.Count; i++)
        {
            var read = new GrainState<Note>(new Note());
            await storage.ReadStateAsync("note", Id($"n{i}"), read);
            Assert.True(read.RecordExists);
            Assert.Equal(i == 7 ? "note 7, edited" : $"note {i}", TextOf(read));
            Assert.Equal(i == 7 ? "2" : "1", read.ETag);
        }
    }

    [Fact]
    public async Task A_write_from_a_stale_version_is_refused_and_changes_nothing()
    {
        using var data = new TempDirectory("group-storage-conflict");
        await using var engine = await EngineCluster.StartAsync(data.Path);
        var storage = engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(CustomerGrainsSiloBuilderExtensions.CustomerStorage);

        var first = new GrainState<Note>(new Note { Text = "first" });
        await storage.WriteStateAsync("note", Id("shared"), first);
        var second = new GrainState<Note>(new Note());
        await storage.ReadStateAsync("note", Id("shared"), second);
        second.State = new Note { Text = "second" };
        await storage.WriteStateAsync("note", Id("shared"), second);

        // The first holder still has version 1: its write, and a first write of a grain that has a row, are refused.
        first.State = new Note { Text = "stale" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", Id("shared"), first));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("note", Id("shared"), new GrainState<Note>(new Note { Text = "new" })));

        var read = new GrainState<Note>(new Note());
        await storage.ReadStateAsync("note", Id("shared"), read);
        Assert.Equal("second", TextOf(read));
        Assert.Equal("2", read.ETag);
    }
}
