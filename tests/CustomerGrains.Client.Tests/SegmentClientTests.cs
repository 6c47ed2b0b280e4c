using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Testing;

namespace CustomerGrains.Client.Tests;

/// <summary>Lists and saved segments through the typed client, against an engine of its own whose only customers are this class's.</summary>
public sealed class SegmentClientTests(ConnectedService connected) : IClassFixture<ConnectedService>
{
    private const int Customers = 5;
    private static readonly DateTimeOffset Day = DateTimeOffset.UtcNow.Date.AddDays(-30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ICustomerGrainsClient Client => connected.Client;

    private async Task<IReadOnlyList<CustomerListing>> SeedAsync()
    {
        var events = Enumerable.Range(0, Customers).Select(i => (InteractionEvent)new PurchaseMade
        {
            EventId = $"segc-{i}-1", CustomerId = $"segc-{i}", OccurredAt = Day.AddDays(i), Source = "shop", OrderId = $"segc-o{i}",
            Amount = 20m + i * 45m, Currency = "EUR", Lines = [new PurchaseLine("books", 1, 20m + i * 45m)], Channel = Channel.Web,
        });
        Assert.Equal(IngestStatus.Accepted, (await Client.IngestAsync(events, Ct)).Status);
        // Each customer's grain writes its read-model row within the snapshot interval (30 s by default).
        var page = await Eventually.UntilAsync(() => Client.ListCustomersAsync(new CustomerListQuery { Limit = 500 }, Ct),
            p => p.Count == Customers && p.Customers.Length == Customers && p.Customers.All(c => c.NetValue is not null), "every customer to be listed with figures", TimeSpan.FromSeconds(90));
        return page.Customers;
    }

    [Fact]
    public async Task A_service_lists_pages_and_keeps_segments_through_the_client()
    {
        var all = await SeedAsync();
        Assert.Equal(Enumerable.Range(0, Customers).Select(i => $"segc-{i}"), all.Select(c => c.CustomerId));

        // Paging by descending value meets each customer once, in order.
        var paged = new List<CustomerListing>();
        string? after = null;
        do
        {
            var page = await Client.ListCustomersAsync(new CustomerListQuery { Sort = "-netValue", Limit = 2, After = after }, Ct);
            Assert.Equal(Customers, page.Count);
            paged.AddRange(page.Customers);
            after = page.Next;
        }
        while (after is not null && paged.Count <= Customers);
        Assert.Equal(all.OrderByDescending(c => c.NetValue).ThenBy(c => c.CustomerId, StringComparer.Ordinal).Select(c => c.CustomerId),
            paged.Select(c => c.CustomerId));

        var threshold = all.Select(c => c.NetValue!.Value).Order().ElementAt(Customers / 2);
        var expected = paged.Where(c => c.NetValue >= threshold).Select(c => c.CustomerId).ToList();
        var definition = new SegmentDefinition { Filter = new CustomerFilter { MinNetValue = threshold }, Sort = "-netValue", Description = "top half" };
        var saved = await Client.SaveSegmentAsync("top-half", definition, Ct);
        Assert.Equal(expected.Count, saved.Count);

        var members = new List<string>();
        after = null;
        do
        {
            var page = await Client.GetSegmentMembersAsync("top-half", after, 2, Ct);
            Assert.NotNull(page);
            Assert.Equal(expected.Count, page.Count);
            members.AddRange(page.Customers.Select(c => c.CustomerId));
            after = page.Next;
        }
        while (after is not null && members.Count <= Customers);
        Assert.Equal(expected, members);
        Assert.Contains(await Client.ListSegmentsAsync(Ct), s => s.Name == "top-half" && s.Count == expected.Count);

        // Invalid definitions and queries name their problems and change nothing.
        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.SaveSegmentAsync("top-half", new SegmentDefinition { Filter = new CustomerFilter { Tier = "Q" } }, Ct));
        Assert.Contains("filter.tier: 'Q' is not a tier", refused.Message, StringComparison.Ordinal);
        Assert.Equal(threshold, (await Client.GetSegmentAsync("top-half", Ct))!.Definition.Filter.MinNetValue);
        refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.ListCustomersAsync(new CustomerListQuery { Limit = 0 }, Ct));
        Assert.Contains("limit: must be 1 to 500", refused.Message, StringComparison.Ordinal);

        Assert.True(await Client.DeleteSegmentAsync("top-half", Ct));
        Assert.Null(await Client.GetSegmentAsync("top-half", Ct));
        Assert.Null(await Client.GetSegmentMembersAsync("top-half", cancellationToken: Ct));
        Assert.False(await Client.DeleteSegmentAsync("top-half", Ct));
    }
}
