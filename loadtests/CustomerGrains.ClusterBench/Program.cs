using CustomerGrains.ClusterBench;

// dotnet run -c Release --project loadtests/CustomerGrains.ClusterBench -- [--key=value ...]; see BenchSettings.
return await ClusterBench.RunAsync(BenchSettings.Parse(args));
