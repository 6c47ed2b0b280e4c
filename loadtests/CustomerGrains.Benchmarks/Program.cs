using BenchmarkDotNet.Running;
using CustomerGrains.Benchmarks.GrainCalls;

// grain-calls: latency of grain calls in an in-process silo (HdrHistogram).
// samples: what the micro-benchmarks compute for their sample customers.
// state-size [CUSTOMERS] [--hold]: managed heap and snapshot bytes a customer's state costs, without the activation around it.
// gc-pauses FILE.nettrace: every collection in a trace of the runtime's GC events (loadtests/gc-spike.sh takes one).
// allocations FILE.nettrace [TOP]: the types and the methods (with their callees) a trace's allocation samples fall in.
// Anything else goes to BenchmarkDotNet (e.g. --filter '*', --list flat).
if (args.Length > 0 && args[0] == "grain-calls")
{
    return await GrainCallBenchmark.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "state-size")
{
    return CustomerGrains.Benchmarks.StateSize.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "gc-pauses")
{
    return CustomerGrains.Benchmarks.GcPauses.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "allocations")
{
    return CustomerGrains.Benchmarks.Allocations.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "samples")
{
    CustomerGrains.Benchmarks.Samples.SampleReport.Print(Console.Out);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(GrainCallBenchmark).Assembly).Run(args, CustomerGrains.Benchmarks.BenchmarkConfig.Create());
return 0;
