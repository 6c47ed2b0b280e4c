using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace CustomerGrains.Benchmarks;

/// <summary>
/// The default configuration with the spread shown (median, minimum, 95th percentile beside the mean) and a long
/// build timeout: BenchmarkDotNet builds its own copy of the project, which takes minutes on a shared 2-core machine.
/// </summary>
public static class BenchmarkConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.P95)
        .WithBuildTimeout(TimeSpan.FromMinutes(15));
}
