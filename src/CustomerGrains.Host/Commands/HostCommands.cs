using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.CommandLine.Parsing;

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

/// <summary>
/// The commands of the executable on System.CommandLine: every command has <c>--help</c> (which only prints), typed
/// options whose bad values are refused with a message before anything runs, and takes the engine's settings as
/// <c>--Section:Key=value</c> beside its options. Without a command (or with only settings) it runs the engine.
/// </summary>
internal static class HostCommands
{
    /// <summary>The exit code of a command line that could not be parsed (an unknown option, a value of the wrong type).</summary>
    public const int UsageError = 2;

    private const string RequiredCommand = "Required command was not provided.";

    /// <summary>Whether <paramref name="args"/> name a command (or ask for help) rather than run the engine.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h" or "-?");

    /// <summary>Parses <paramref name="args"/> and runs the command they name; returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        if (args is ["help", .. var rest])
        {
            args = [.. rest, "--help"];
        }
        var settings = args.Where(IsSetting).ToArray();
        var root = Root(settings);
        var parsed = root.Parse(args.Where(a => !IsSetting(a)).ToArray());
        var invocation = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        if (parsed.Errors.Count > 0)
        {
            // "Required command was not provided" says nothing more when an unknown word is named already.
            foreach (var problem in parsed.Errors.Where((e, _) => parsed.Errors.Count == 1 || e.Message != RequiredCommand))
            {
                await invocation.Error.WriteLineAsync(problem.Message);
            }
            await invocation.Error.WriteLineAsync($"See '{string.Join(' ', Words(parsed.CommandResult))} --help'.");
            return UsageError;
        }
        return await parsed.InvokeAsync(invocation);
    }

    /// <summary>A setting of the engine on the command line: <c>--Section:Key=value</c>.</summary>
    private static bool IsSetting(string argument) =>
        argument.StartsWith("--", StringComparison.Ordinal) && argument.IndexOf(':', StringComparison.Ordinal) is > 2 and var colon
        && argument.IndexOf('=', StringComparison.Ordinal) > colon;

    private static IEnumerable<string> Words(CommandResult result)
    {
        var words = new List<string>();
        for (var r = result; r is not null; r = r.Parent as CommandResult)
        {
            words.Insert(0, r.Command is RootCommand ? "CustomerGrains.Host" : r.Command.Name);
        }
        return words;
    }

    private static RootCommand Root(string[] settings)
    {
        var root = new RootCommand(
            "CustomerGrains: without a command, runs the engine (a silo with the HTTP API). Every command takes the engine's " +
            "settings as --Section:Key=value (e.g. --Storage:DataDirectory=/var/lib/customergrains).");

        var summaryCsv = new Option<FileInfo>("--summary-csv") { Description = "a CDNOW-format summary CSV to fit instead of the customer base", HelpName = "FILE" };
        var transactions = new Option<FileInfo>("--transactions") { Description = "a transactions file to fit instead of the customer base: CDNOW's own format, or CSV customer,date,amount", HelpName = "FILE" };
        var calibrationEnd = new Option<string>("--calibration-end") { Description = "fit on purchases up to this day (YYYY-MM-DD)", HelpName = "DATE" };
        var holdoutEnd = new Option<string>("--holdout-end") { Description = "compare the predictions with the purchases after the calibration end up to this day (YYYY-MM-DD)", HelpName = "DATE" };
        var model = new Option<string>("--model") { Description = "the repeat-purchase model put in force: bgnbd, paretonbd, or auto (the better hold-out error; needs --holdout-end)", HelpName = "MODEL" };
        var reportDir = new Option<DirectoryInfo>("--report-dir") { Description = $"where the hold-out report is written (default {FitRequest.DefaultReportDirectory})", HelpName = "DIR" };
        root.Add(Passing(new FitCommand(), settings, summaryCsv, transactions, calibrationEnd, holdoutEnd, model, reportDir));
        root.Add(FitContractualCommand.Define(settings));

        var db = new Command("db", "storage commands");
        db.Add(Passing(new DbMigrateCommand(), settings));
        root.Add(db);

        root.Add(Passing(new HashPasswordCommand(), settings));
        root.Add(Passing(new NewKeyCommand(), settings));
        root.Add(Passing(new EndpointsCommand(), settings));

        var certOut = new Option<DirectoryInfo>("--out") { Description = "the folder the certificate is written to", Required = true, HelpName = "DIR" };
        var subject = new Option<string>("--subject") { Description = "the certificate's subject (CN)", DefaultValueFactory = _ => "customergrains-cluster" };
        var days = Number("--days", 365, 1, 3650, "how many days it is valid", "N");
        var password = new Option<string>("--password") { Description = "protects cluster.pfx (none without it: keep the file private)" };
        root.Add(Passing(new ClusterCertCommand(), settings, certOut, subject, days, password));

        var openApiOut = new Option<FileInfo>("--out") { Description = "the file to write (e.g. docs/openapi.json); standard output without it", HelpName = "FILE" };
        root.Add(Passing(new OpenApiCommand(), settings, openApiOut));

        root.Add(ImportCommand.Define(settings));
        return root;
    }

    /// <summary>
    /// A command whose options System.CommandLine checks (and documents in <c>--help</c>), that then runs with the
    /// arguments as given after its name, the settings included.
    /// </summary>
    private static Command Passing(IHostCommand host, string[] settings, params Option[] options)
    {
        var name = host.Name.Split(' ')[^1];
        var command = new Command(name, host.Summary);
        foreach (var option in options)
        {
            command.Add(option);
        }
        command.SetAction(parsed => host.RunAsync([.. parsed.Tokens.SkipWhile(t => t.Type == TokenType.Command).Select(t => t.Value), .. settings]));
        return command;
    }

    /// <summary>
    /// A number option from <paramref name="min"/> to <paramref name="max"/>: a value that is not such a number is refused
    /// with a message naming the option, before the command runs.
    /// </summary>
    internal static Option<T> Number<T>(string name, T fallback, T min, T max, string description, string helpName)
        where T : struct, INumber<T>
    {
        return new Option<T>(name)
        {
            Description = $"{description} ({min} to {max})",
            HelpName = helpName,
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (!T.TryParse(text, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                {
                    result.AddError($"{name} must be a number from {min} to {max} (was '{text}').");
                    return fallback;
                }
                return value;
            },
        };
    }

    /// <summary>An option that takes an absolute http or https address.</summary>
    internal static Option<Uri> Address(string name, Uri fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "URL",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var address) && address.Scheme is "http" or "https")
            {
                return address;
            }
            result.AddError($"{name} must be an http or https address such as http://127.0.0.1:5080 (was '{text}').");
            return fallback;
        },
    };

    /// <summary>Splits a command's arguments into its configuration (<c>--Section:Key=value</c>) and the rest.</summary>
    public static IConfiguration Configuration(string[] arguments) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(arguments.Where(IsSetting).ToArray())
            .Build();

    /// <summary>The value after <paramref name="name"/> (e.g. <c>--out DIR</c>), or null when it is not given.</summary>
    public static string? OptionValue(string[] arguments, string name)
    {
        var i = Array.IndexOf(arguments, name);
        return i >= 0 && i + 1 < arguments.Length ? arguments[i + 1] : null;
    }
}
