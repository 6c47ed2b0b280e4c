using CustomerGrains.LoadTests;

return await LatencyProbe.RunAsync(args);
