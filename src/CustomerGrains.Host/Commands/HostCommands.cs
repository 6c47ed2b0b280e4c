namespace CustomerGrains.Host.Commands;

/// <summary>A one-shot command of the executable (<c>dotnet run --project src/CustomerGrains.Host -- NAME ...</c>).</summary>
internal interface IHostCommand
{
    /// <summary>The words that select the command, e.g. <c>fit</c> or <c>db migrate</c>.</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>Runs with the arguments after the command's name; returns the process exit code.</summary>
    Task<int> RunAsync(string[] arguments);
}

/// <summary>The commands of the executable. Without a command it runs the engine.</summary>
internal static class HostCommands
{
    private static readonly IHostCommand[] All =
        [new FitCommand(), new DbMigrateCommand(), new HashPasswordCommand(), new NewKeyCommand(), new EndpointsCommand(), new ClusterCertCommand(), new OpenApiCommand(), new HelpCommand()];

    /// <summary>The command named by the first arguments, or null to run the engine.</summary>
    public static IHostCommand? Find(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return null;
        }
        var words = string.Join(' ', args.Take(2));
        return All.FirstOrDefault(c => words == c.Name || words.StartsWith(c.Name + " ", StringComparison.Ordinal))
            ?? All.FirstOrDefault(c => c.Name == args[0])
            ?? new UnknownCommand(args[0]);
    }

    /// <summary>Splits a command's arguments into its configuration (<c>--Section:Key=value</c>) and the rest.</summary>
    public static IConfiguration Configuration(string[] arguments) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(arguments.Where(a => a.Contains(':', StringComparison.Ordinal) && a.StartsWith("--", StringComparison.Ordinal)).ToArray())
            .Build();

    /// <summary>The value after <paramref name="name"/> (e.g. <c>--out DIR</c>), or null when it is not given.</summary>
    public static string? OptionValue(string[] arguments, string name)
    {
        var i = Array.IndexOf(arguments, name);
        return i >= 0 && i + 1 < arguments.Length ? arguments[i + 1] : null;
    }

    private sealed class HelpCommand : IHostCommand
    {
        public string Name => "help";

        public string Summary => "lists the commands";

        public Task<int> RunAsync(string[] arguments)
        {
            Console.WriteLine("usage: CustomerGrains.Host [COMMAND] [--Section:Key=value ...]");
            Console.WriteLine($"  {"(no command)",-16}  runs the engine: a silo with the HTTP API");
            foreach (var command in All)
            {
                Console.WriteLine($"  {command.Name,-16}  {command.Summary}");
            }
            return Task.FromResult(0);
        }
    }

    private sealed class UnknownCommand(string name) : IHostCommand
    {
        public string Name => name;

        public string Summary => "";

        public async Task<int> RunAsync(string[] arguments)
        {
            await Console.Error.WriteLineAsync($"Unknown command '{name}'. Commands:");
            await new HelpCommand().RunAsync([]);
            return 2;
        }
    }
}
