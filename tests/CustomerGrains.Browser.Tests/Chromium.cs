using System.Diagnostics;
using System.Text;

namespace CustomerGrains.Browser;

/// <summary>
/// Debian's chromium for Playwright (which cannot download its own browsers here). Uses
/// <c>CUSTOMERGRAINS_CHROMIUM</c> when set, else <c>/usr/bin/chromium</c>; when that is missing and the process is
/// root (as CI is), installs it once per process with <c>apt-get update &amp;&amp; apt-get install -y chromium</c>, under a
/// file lock so that test runs started side by side on one machine install it once and never run apt at the same time.
/// Never throws: a browser that cannot be had comes back as a <see cref="ChromiumLookup.Problem"/> saying why and what to do.
/// </summary>
public static class Chromium
{
    public const string DebianPath = "/usr/bin/chromium";
    public const string PathVariable = "CUSTOMERGRAINS_CHROMIUM";

    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(15);
    private static readonly Lazy<Task<ChromiumLookup>> Once = new(() => Task.Run(FindOrInstallAsync));

    /// <summary>The lock file that serialises installs across processes (and apt with itself).</summary>
    public static string LockPath { get; } = Path.Combine(Path.GetTempPath(), "customergrains-chromium-install.lock");

    /// <summary>The browser to launch, found or installed on the first call; later calls return the same outcome.</summary>
    public static Task<ChromiumLookup> EnsureAsync() => Once.Value;

    private static async Task<ChromiumLookup> FindOrInstallAsync()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? await VersionAsync(configured, installed: false)
                : new ChromiumLookup(null, null, $"{PathVariable} is set to '{configured}', but there is no file there.");
        }
        if (File.Exists(DebianPath))
        {
            return await VersionAsync(DebianPath, installed: false);
        }
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
        {
            return new ChromiumLookup(null, null,
                $"Chromium is not at {DebianPath} and this machine has no apt-get to install it; install a Chromium and set {PathVariable} to its executable.");
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return new ChromiumLookup(null, null,
                $"Chromium is not at {DebianPath} and this process is not root, so it cannot install it: run 'sudo apt-get install -y chromium' " +
                $"(or set {PathVariable} to a Chromium executable).");
        }

        using var held = await AcquireLockAsync();
        if (held is null)
        {
            return new ChromiumLookup(null, null,
                $"Chromium is not at {DebianPath}, and another process held the install lock {LockPath} for {LockWait.TotalMinutes:0} minutes; " +
                "remove the lock file if no install is running, or install it by hand: apt-get update && apt-get install -y chromium.");
        }
        if (File.Exists(DebianPath))
        {
            return await VersionAsync(DebianPath, installed: false); // another process installed it while this one waited
        }

        var log = new StringBuilder();
        var update = await RunAsync("apt-get", ["-o", "DPkg::Lock::Timeout=600", "update"], log, InstallLimit);
        var install = update == 0
            ? await RunAsync("apt-get", ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "chromium"], log, InstallLimit)
            : update;
        if (install != 0 || !File.Exists(DebianPath))
        {
            return new ChromiumLookup(null, null,
                $"Installing chromium failed ({(update != 0 ? "apt-get update" : "apt-get install -y chromium")} exited with {install}); " +
                $"its last lines:\n{Tail(log.ToString(), 30)}");
        }
        return await VersionAsync(DebianPath, installed: true);
    }

    /// <summary>The lock, or null when another process held it for <see cref="LockWait"/>.</summary>
    private static async Task<FileStream?> AcquireLockAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix: held until the stream is closed or the process ends.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockWait)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private static async Task<ChromiumLookup> VersionAsync(string path, bool installed)
    {
        var output = new StringBuilder();
        var exit = await RunAsync(path, ["--version"], output, TimeSpan.FromMinutes(1));
        // The output holds the command line, and Debian's wrapper script may print a shell warning before the version.
        var version = output.ToString().Split('\n').LastOrDefault(l => l.Contains("Chromium", StringComparison.OrdinalIgnoreCase))?.Trim();
        return exit == 0
            ? new ChromiumLookup(path, version ?? output.ToString().Trim(), null) { Installed = installed }
            : new ChromiumLookup(null, null, $"{path} --version exited with {exit}, so it cannot run here:\n{Tail(output.ToString(), 20)}");
    }

    private static async Task<int> RunAsync(string file, string[] arguments, StringBuilder log, TimeSpan limit)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        lock (log)
        {
            log.AppendLine($"$ {file} {string.Join(' ', arguments)}");
        }
        using var process = new Process { StartInfo = info };
        void Append(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            lock (log)
            {
                log.AppendLine($"could not start {file}: {ex.Message}");
            }
            return -1;
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (log)
            {
                log.AppendLine($"{file} did not finish within {limit.TotalMinutes:0} minutes and was stopped");
            }
            return -1;
        }
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}

/// <summary>Where the browser is (and its version), or why there is none.</summary>
public sealed record ChromiumLookup(string? ExecutablePath, string? Version, string? Problem)
{
    /// <summary>Whether this process installed it.</summary>
    public bool Installed { get; init; }
}
