namespace CustomerGrains.LoadTests.Cli;

/// <summary>Where the runner keeps its files by default: under <c>loadtests/reports</c> of the repository (ignored by git).</summary>
internal static class Paths
{
    public static string Reports { get; } = Path.Combine(FindRoot() ?? Directory.GetCurrentDirectory(), "loadtests", "reports");

    /// <summary>The shared data sets: <c>CUSTOMERGRAINS_DATA</c>, else <c>../shared/data</c> beside the repository.</summary>
    public static string SharedData => Environment.GetEnvironmentVariable("CUSTOMERGRAINS_DATA")
        ?? Path.GetFullPath(Path.Combine(Reports, "..", "..", "..", "shared", "data"));

    public static string DefaultSeed => Path.Combine(Reports, "seed");

    public static string NewRun(string scenario) => Path.Combine(Reports, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{scenario}");

    private static string? FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CustomerGrains.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
