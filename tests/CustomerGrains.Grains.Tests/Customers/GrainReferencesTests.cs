using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Delivery;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Customers;

/// <summary>References made from the types resolved once per factory reach the grain <c>GetGrain</c> reaches.</summary>
[Collection(EngineCollection.Name)]
public sealed class GrainReferencesTests(SharedEngine shared)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (GrainId Id, GrainInterfaceType Interface) Target(object reference) =>
        (((GrainReference)reference).GrainId, ((GrainReference)reference).InterfaceType);

    [Fact]
    public async Task Every_reference_after_the_first_targets_the_same_grain_and_interface_and_answers()
    {
        var client = shared.Engine.Client;
        var id = "ref-" + Guid.NewGuid().ToString("N")[..8];
        var other = "ref-" + Guid.NewGuid().ToString("N")[..8];
        await shared.Engine.Log.AppendAsync(
        [
            new PurchaseMade
            {
                EventId = $"{id}-1", CustomerId = id, OccurredAt = DateTimeOffset.UtcNow.AddDays(-3), Source = "shop", OrderId = "o1",
                Amount = 40m, Currency = "EUR",
            },
        ], Ct);

        // The first reference of each interface resolves its types; the later ones, for any key, reuse them.
        var references = new[] { client.Customer(id), client.Customer(other), client.Customer(id) };
        Assert.Equal(Target(client.GetGrain<ICustomerGrain>(id)), Target(references[0]));
        Assert.Equal(Target(client.GetGrain<ICustomerGrain>(other)), Target(references[1]));
        Assert.Equal(Target(client.GetGrain<ICustomerGrain>(id)), Target(references[2]));
        // Another interface of the same grain keeps its own interface type on the same factory.
        Assert.Equal(Target(client.GetGrain<ICustomerDelivery>(id)), Target(client.Reference<ICustomerDelivery>(id)));
        Assert.Equal(Target(client.GetGrain<ICustomerDelivery>(other)), Target(client.Reference<ICustomerDelivery>(other)));
        Assert.NotEqual(Target(references[0]).Interface, Target(client.Reference<ICustomerDelivery>(id)).Interface);

        var snapshot = await Eventually.UntilAsync(() => references[2].GetSnapshotAsync(), s => s?.AppliedEvents >= 1, $"{id} to apply its purchase");
        Assert.Equal(id, snapshot!.CustomerId);
        Assert.Null(await references[1].GetSnapshotAsync());
    }

    [Fact]
    public async Task Integer_keys_are_kept_apart_and_answer()
    {
        var client = shared.Engine.Client;
        var references = new[] { client.Reference<IPingGrain>(0), client.Reference<IPingGrain>(7), client.Reference<IPingGrain>(0) };
        Assert.Equal(Target(client.GetGrain<IPingGrain>(0)), Target(references[0]));
        Assert.Equal(Target(client.GetGrain<IPingGrain>(7)), Target(references[1]));
        Assert.Equal(Target(client.GetGrain<IPingGrain>(0)), Target(references[2]));
        Assert.Equal(7, references[1].GetPrimaryKeyLong());
        await Task.WhenAll(references.Select(r => r.PingAsync()));
    }

    [Fact]
    public void A_blank_key_is_refused_before_and_after_the_types_are_kept()
    {
        var client = shared.Engine.Client;
        Assert.Throws<ArgumentException>(() => client.Customer(" "));
        _ = client.Customer("ref-any");
        Assert.Throws<ArgumentException>(() => client.Customer(" "));
        Assert.Throws<ArgumentNullException>(() => client.Customer(null!));
    }
}
