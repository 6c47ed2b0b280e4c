using CustomerGrains.DesktopLatency;

// dotnet run -c Release --project loadtests/CustomerGrains.DesktopLatency -- [--key=value ...]; see LatencySettings.Usage.
if (args is ["help" or "--help" or "-h"] || LatencySettings.Parse(args) is not { } settings)
{
    Console.WriteLine(LatencySettings.Usage);
    return args is ["help" or "--help" or "-h"] ? 0 : 2;
}
return await LatencyRun.RunAsync(settings);
