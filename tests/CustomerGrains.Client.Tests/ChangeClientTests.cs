using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Client.Tests;

/// <summary>The change feed through the typed client: followed as it grows, resumed from a position, refused for a bad one.</summary>
public sealed class ChangeClientTests(ConnectedService connected) : IClassFixture<ConnectedService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ICustomerGrainsClient Client => connected.Client;

    [Fact]
    public async Task A_service_follows_a_customers_changes_and_resumes_from_its_last_position()
    {
        var id = $"feedc-{Guid.NewGuid():N}"[..16];
        Assert.Equal(IngestStatus.Accepted, (await Client.IngestAsync([new PurchaseMade
        {
            EventId = $"{id}-1", CustomerId = id, OccurredAt = DateTimeOffset.UtcNow.AddDays(-2), Source = "shop", OrderId = $"{id}-o1",
            Amount = 80m, Currency = "EUR", Lines = [new PurchaseLine("books", 1, 80m)], Channel = Channel.Web,
        }], Ct)).Status);

        // Followed as it grows: the customer's first row brings their tier and stage (within the snapshot interval, 30 s by default).
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        watching.CancelAfter(TimeSpan.FromSeconds(90));
        var followed = new List<CustomerChange>();
        await foreach (var change in Client.WatchChangesAsync(0, TimeSpan.FromMilliseconds(200), watching.Token))
        {
            followed.Add(change);
            if (change.CustomerId == id && change.Kind == CustomerChangeKinds.Stage)
            {
                break;
            }
        }
        var snapshot = await Client.GetCustomerAsync(id, cancellationToken: Ct);
        Assert.Equal(EnumNames.Of(snapshot!.Lifecycle!.Stage), followed[^1].To);
        Assert.Contains(followed, c => c.CustomerId == id && c.Kind == CustomerChangeKinds.Tier && c.From is null);
        Assert.Equal(followed.Select(c => c.Position).Order(), followed.Select(c => c.Position));
        Assert.Equal(followed.Count, followed.Select(c => c.Position).Distinct().Count());

        // Resumed from a position in the middle: the same changes after it, none before it.
        var middle = followed[followed.Count / 2].Position;
        var page = await Client.GetChangesAsync(middle, ChangeFeedLimits.MaxLimit, Ct);
        Assert.Equal(followed.Where(c => c.Position > middle), page.Changes.Take(followed.Count(c => c.Position > middle)));
        Assert.Equal(page.Changes.Length == 0 ? middle : page.Changes[^1].Position, page.Next);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetChangesAsync(-1, cancellationToken: Ct));
        Assert.Contains("after: must be a position", refused.Message, StringComparison.Ordinal);
        refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetChangesAsync(0, 0, Ct));
        Assert.Contains("limit: must be 1 to 1000", refused.Message, StringComparison.Ordinal);
    }
}
