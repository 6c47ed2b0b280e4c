using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CustomerGrains.Testing;

/// <summary>
/// The real CustomerGrains host as a separate process on free loopback ports, as a user runs it:
/// started, stopped with SIGTERM, or killed with SIGKILL. Its output is kept for failure messages.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private Process? process;

    /// <param name="dataDirectory">Where the host keeps its files (and its working directory).</param>
    /// <param name="settings">Settings passed on the command line.</param>
    /// <param name="environment">The host's environment: Development (the default) gives it the demo users of
    /// appsettings.Development.json (<see cref="DemoKeys"/>), which it accepts on loopback.</param>
    public HostProcess(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, string environment = "Development")
    {
        DataDirectory = dataDirectory;
        Environment = environment;
        Settings = settings ?? new Dictionary<string, string>();
        HttpPort = TestEnvironment.FreePort();
        SiloPort = TestEnvironment.FreePort();
        GatewayPort = TestEnvironment.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}");
    }

    public string DataDirectory { get; }
    public string Environment { get; }
    public IReadOnlyDictionary<string, string> Settings { get; }
    public int HttpPort { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public Uri BaseAddress { get; }

    /// <summary>What the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static string HostAssembly => Path.Combine(TestEnvironment.RepositoryRoot, "src", "CustomerGrains.Host", "bin",
        TestEnvironment.Configuration, "net10.0", "CustomerGrains.Host.dll");

    /// <summary>Whether the process is running now.</summary>
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Starts the host (again, after a stop or a kill, on the same ports) and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var process = Launch();
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The host exited with code {process.ExitCode}.");
                }
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return response.IsSuccessStatusCode;
            }, $"the host on port {HttpPort} to be ready", timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n--- host output ---\n{Output}", ex);
        }
    }

    /// <summary>Starts the host and waits for it to exit by itself (a host that refuses to start); returns its exit code.</summary>
    public async Task<int> RunUntilExitAsync(TimeSpan timeout)
    {
        var process = Launch();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    private Process Launch()
    {
        if (!File.Exists(HostAssembly))
        {
            throw new FileNotFoundException($"The host is not built at {HostAssembly}; build the solution first.");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        info.ArgumentList.Add(HostAssembly);
        foreach (var (key, value) in Arguments())
        {
            info.ArgumentList.Add($"--{key}={value}");
        }
        info.Environment["DOTNET_ENVIRONMENT"] = Environment;
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        process?.Dispose();
        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private IEnumerable<KeyValuePair<string, string>> Arguments()
    {
        yield return new("urls", BaseAddress.ToString().TrimEnd('/'));
        yield return new("Storage:DataDirectory", DataDirectory);
        yield return new("Orleans:SiloPort", SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new("Orleans:GatewayPort", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var setting in Settings)
        {
            yield return setting;
        }
    }

    /// <summary>Runs a one-shot command of the host executable (e.g. <c>fit</c>) to completion.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunCommandAsync(params string[] arguments) =>
        RunProgramAsync(HostAssembly, arguments);

    /// <summary>Runs a program of the repository (its built assembly, e.g. a sample) to completion.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunProgramAsync(string assembly, params string[] arguments)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The program is not built at {assembly}; build the solution first.");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Stops the host as an operator does (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        _ = SendSignal(process.Id, SigTerm);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Kills the host without warning (SIGKILL): nothing in memory survives.</summary>
    public async Task KillAsync()
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                await KillAsync();
            }
            process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
