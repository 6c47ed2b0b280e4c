using CustomerGrains.Grains.Service;

namespace CustomerGrains.Grains.Tests.Service;

/// <summary>What a start with a bad <c>Ingest</c> setting is refused with: the key, its range and the value given.</summary>
public sealed class IngestOptionsTests
{
    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_backfill_cpu_limit_outside_0_to_1_is_refused_naming_the_key_and_the_value(double limit)
    {
        var problem = Assert.Single(new IngestOptions { BackfillCpuLimit = limit }.Validate());

        Assert.StartsWith("BackfillCpuLimit must be between 0 (off) and 1", problem, StringComparison.Ordinal);
        Assert.Contains($"(was {limit})", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(1)]
    public void A_backfill_cpu_limit_from_0_to_1_is_taken(double limit) =>
        Assert.Empty(new IngestOptions { BackfillCpuLimit = limit }.Validate());
}
