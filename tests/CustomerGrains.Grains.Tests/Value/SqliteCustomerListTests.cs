using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Value;
using CustomerGrains.Grains.Tests.Storage;
using CustomerGrains.Grains.Value;
using CustomerGrains.Testing;

namespace CustomerGrains.Grains.Tests.Value;

/// <summary>Lists of customers as the embedded read model answers them while grains keep writing their rows.</summary>
public sealed class SqliteCustomerListTests
{
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_page_and_its_count_agree_while_customers_are_being_added()
    {
        using var data = new TempDirectory("list");
        var databases = await MigratedStore.InAsync(data.Path, Ct);
        await using var readModel = new SqliteCustomerReadModel(databases);
        const int Added = 200;

        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < Added; i++)
            {
                var row = new CustomerReadModelRow($"c-{i:D4}", new ValueInputs { FirstPurchaseAt = Day, TotalPurchaseCount = 1, TotalNetSpend = 10 + i }, "formation", null, null, Day)
                {
                    Figures = new SegmentFigures("C", 10 + i, 0.9, "frequency", "focus"),
                };
                await readModel.UpsertAsync(row, Ct);
            }
        }, Ct);

        // A service paging through a list that grows: every page it is given counts exactly the rows it could page through.
        var query = new CustomerListQuery { Sort = "-netValue" };
        var reads = 0;
        while (!writing.IsCompleted || reads == 0)
        {
            var (rows, count) = await readModel.ListAsync(query, Added + 1, Ct);
            Assert.Equal(count, rows.Count);
            reads++;
        }
        await writing;
        var (final, total) = await readModel.ListAsync(query, Added + 1, Ct);
        Assert.Equal(Added, total);
        Assert.Equal(Added, final.Count);
        Assert.Equal(10 + Added - 1, final[0].NetValue);
    }
}
