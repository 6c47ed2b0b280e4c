using System.Net;
using System.Net.Sockets;

namespace CustomerGrains.Testing;

/// <summary>Where things are on this machine: the repository, free ports, scratch directories, shared data.</summary>
public static class TestEnvironment
{
    /// <summary>The repository root (the folder holding CustomerGrains.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Whether this run is CI (environment variable CI=true), where missing prerequisites fail instead of skipping.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The build configuration the tests run in (Debug or Release), taken from the test assembly's path.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>
    /// The folder of the shared data sets: <c>CUSTOMERGRAINS_DATA</c> if set, else <c>../shared/data</c> beside the repository.
    /// Skips the calling test when missing, or fails it under CI, saying where the data goes.
    /// </summary>
    public static string RequireSharedData(string relativePath)
    {
        var root = Environment.GetEnvironmentVariable("CUSTOMERGRAINS_DATA")
            ?? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
        var path = Path.Combine(root, relativePath);
        if (File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }
        var message = $"The data set '{relativePath}' is not at {path}. Put the shared data folder beside the repository " +
                      "(../shared/data) or set CUSTOMERGRAINS_DATA to its location.";
        if (IsCi)
        {
            Assert.Fail(message);
        }
        Assert.Skip(message);
        return path;
    }

    /// <summary>A TCP port that was free a moment ago on the loopback interface.</summary>
    public static int FreePort()
    {
        // The kernel may hand the same ephemeral port out again once it is released: a port this test process gave
        // out before (to a host that is stopped now but starts again on it) is never given out twice.
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (GivenPorts)
            {
                if (GivenPorts.Add(port))
                {
                    return port;
                }
            }
        }
    }

    private static readonly HashSet<int> GivenPorts = [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CustomerGrains.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No CustomerGrains.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A scratch directory removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"customergrains-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that is still shutting down may hold a file; the OS temp cleaner takes the rest.
        }
    }
}
