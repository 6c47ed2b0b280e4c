using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CustomerGrains.LoadTests.Scenarios;

namespace CustomerGrains.LoadTests.Cli;

/// <summary>
/// The runner's command line, parsed by System.CommandLine against <see cref="Root"/>: every command has <c>--help</c>,
/// every option a type, and an unknown option or a value of the wrong type is an error before anything runs. The
/// commands read the values by option name (<c>rate</c> for <c>--rate</c>), with their defaults at the call.
/// </summary>
public sealed class CommandLine
{
    private readonly ParseResult parsed;

    public CommandLine(IReadOnlyList<string> args)
    {
        parsed = Root.Parse(args);
        var command = parsed.CommandResult;
        Words = command.Command is RootCommand ? [] : [command.Command.Name, .. command.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value)];
        Text = string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
    }

    /// <summary>The command's name and its arguments (e.g. <c>run screenpop-spike</c>).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The arguments as given, for the report.</summary>
    public string Text { get; }

    /// <summary>The problems of the command line: unknown options, values of the wrong type.</summary>
    public IReadOnlyList<string> Errors => [.. parsed.Errors.Select(e => e.Message)];

    /// <summary>The value of <c>--NAME</c> as given, or null when it is not given.</summary>
    public string? Get(string name) => Given(name)?.Tokens is { Count: > 0 } tokens ? tokens[^1].Value : null;

    /// <summary>Every value given to the repeatable <c>--NAME</c>.</summary>
    public IReadOnlyList<string> All(string name) => Given(name) is null ? [] : parsed.GetValue<string[]>("--" + name) ?? [];

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int Int(string name, int fallback) => Given(name) is null ? fallback : parsed.GetValue<int>("--" + name);

    public double Double(string name, double fallback) => Given(name) is null ? fallback : parsed.GetValue<double>("--" + name);

    /// <summary>An on/off option (<c>on</c>, <c>true</c>, <c>yes</c>, or the bare option, are on).</summary>
    public bool Flag(string name, bool fallback = false) => Given(name) is null ? fallback
        : Get(name) is not { } value || value is "true" or "on" or "yes";

    /// <summary>A duration such as <c>60s</c>, <c>2m</c>, <c>500ms</c> or a bare number of seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback) => Given(name) is null ? fallback : parsed.GetValue<TimeSpan>("--" + name);

    public static TimeSpan ParseDuration(string text) => text switch
    {
        _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
    };

    /// <summary>Prints the problems of the command line, if any; returns whether there were.</summary>
    public bool Rejected(TextWriter output)
    {
        if (Errors.Count == 0)
        {
            return false;
        }
        foreach (var error in Errors)
        {
            output.WriteLine(error);
        }
        output.WriteLine($"See 'CustomerGrains.LoadTests {string.Join(' ', Words.Take(1))} --help'.".Replace("  ", " ", StringComparison.Ordinal));
        return true;
    }

    /// <summary>Whether the command line asks for help (then <see cref="Help"/> prints it).</summary>
    public bool AsksForHelp => parsed.Action is System.CommandLine.Help.HelpAction;

    /// <summary>Prints the help of the command the line names (or of the runner).</summary>
    public int Help(TextWriter output)
    {
        var help = Root.Parse([.. Words.Take(1), "--help"]);
        return help.Invoke(new InvocationConfiguration { Output = output });
    }

    private OptionResult? Given(string name) => parsed.GetResult("--" + name) is OptionResult { Implicit: false } result ? result : null;

    /// <summary>The runner's commands and their options.</summary>
    public static RootCommand Root { get; } = Define();

    private static RootCommand Define()
    {
        var target = new Option<string>("--target") { Description = "the engine's address (run: URL[,URL...], HTTP hosts round-robin); default http://127.0.0.1:5080", HelpName = "URL" };
        var apiKey = new Option<string>("--api-key") { Description = "X-Api-Key sent on every request; default $CUSTOMERGRAINS_API_KEY or demo-service-key", HelpName = "KEY" };
        var data = new Option<string>("--data") { Description = "the seed files' folder; default loadtests/reports/seed", HelpName = "DIR" };

        var latency = new Command("latency", "one request at a time against a running engine: ingest ack, ingest to visible, warm reads");
        Add(latency, target, Number<int>("--samples", "requests of each kind; default 300"), Number<int>("--warm-reads", "warm reads; default 2000"));

        var seed = new Command("seed", "posts a customer base to the engine and writes the seed files (customers.csv, phones.csv, interactions.csv, seed.json)");
        var import = new Option<string>("--import") { Description = "a real data set instead of synthetic customers" };
        import.AcceptOnlyFromAmong("online-retail");
        Add(seed, Number<int>("--customers", "customers, 1 to 1000000; default 100000 (all 4372 of online-retail)"), import,
            new Option<string>("--retail-file") { Description = "the Online Retail file; default ../shared/data/" + Data.RetailImport.DefaultFile, HelpName = "PATH" },
            Number<int>("--random-seed", "default 42"), apiKey, target, data,
            Number<int>("--batch", "events per request; default 500"), Number<int>("--concurrency", "requests in flight; default 4"));

        var run = new Command("run", "runs a scenario against the engine, then its baseline and the floors, and writes the reports (exit codes: 0 every threshold held, 1 usage error or failure, 2 a threshold was breached)");
        var scenario = new Argument<string>("SCENARIO") { Description = "the scenario" };
        scenario.AcceptOnlyFromAmong([.. ScenarioCatalog.Names, "http-get"]);
        run.Add(scenario);
        var arrivals = new Option<string>("--arrivals") { Description = "constant (default) or poisson" };
        arrivals.AcceptOnlyFromAmong("constant", "poisson");
        var threshold = new Option<string[]>("--threshold") { Description = "e.g. 'p99 < 5' (repeatable; default p99 < 5 and fail% < 0.1)", AllowMultipleArgumentsPerToken = false };
        Add(run,
            Number<double>("--rate", "iterations a second; default 500"), Duration("--ramp", "default 10s"), Duration("--duration", "default 60s"),
            Duration("--warm-up", "default 5s"), arrivals, target,
            new Option<string>("--cluster") { Description = "reads through the typed client from these gateways", HelpName = "HOST:PORT[,...]" },
            data, new Option<string>("--baseline") { Description = "auto (a private PostgreSQL, the default), none, or a connection string" },
            Number<int>("--baseline-pool", "default 32"),
            Number<int>("--copies", "a closed loop instead of --rate: N copies back to back, as wrk does"),
            OnOff("--floors", "measure the floors; default on"), Number<double>("--zipf", "customer popularity skew; 0: uniform; default 1.0"),
            Duration("--timeout", "default 10s"), Number<double>("--late-ms", "a start later than this is late; default 2"), Duration("--drain", "default 15s"),
            new Option<string>("--connections") { Description = "auto (50 ms of the peak request rate, 32 to 1024, or one per copy) or N per host" },
            Number<int>("--senders", "threads that wait for each intended start and send it; default 2"),
            Number<double>("--spin-us", "spin this close to the intended start; default 60"),
            OnOff("--realtime", "senders at real-time priority SCHED_FIFO where permitted; default on"),
            new Option<string>("--max-lag") { Description = "dispatch lag p50,p99 in ms above which the report flags the generator as the bottleneck; default 0.2,1" },
            Duration("--wrk", "after the floors, wrk --latency on /api/ping for that long (off: not at all)"),
            Number<int>("--wrk-connections", "default 16"), Number<int>("--wrk-threads", "default 1"),
            apiKey, threshold, new Option<bool>("--no-thresholds") { Description = "no thresholds" },
            new Option<string>("--out") { Description = "the report's folder; default loadtests/reports/DATE-SCENARIO", HelpName = "DIR" },
            Number<double>("--ingest-rate", "ingest-burst, mixed: events a second"), Number<int>("--batch-events", "ingest-burst, mixed: events per request; default 1"),
            Number<double>("--probe-rate", "ingest-burst: event-to-visible probes started a second; default 5"),
            new Option<string>("--kill-pid") { Description = "failover: the silo process to kill" }, Duration("--kill-at", "failover: when; default a third of --duration"),
            new Option<string>("--path") { Description = "http-get: the path; default /api/ping" });

        return new RootCommand("CustomerGrains.LoadTests: load and latency measurements of CustomerGrains") { latency, seed, run };
    }

    private static void Add(Command command, params Option[] options)
    {
        foreach (var option in options)
        {
            command.Add(option);
        }
    }

    private static Option<T> Number<T>(string name, string description)
        where T : System.Numerics.INumber<T> => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (T.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= T.Zero)
            {
                return value;
            }
            result.AddError($"{name} must be a number, 0 or more (was '{text}').");
            return T.Zero;
        },
    };

    private static Option<TimeSpan> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            try
            {
                return text == "off" ? TimeSpan.Zero : ParseDuration(text) is var d && d >= TimeSpan.Zero ? d : throw new FormatException();
            }
            catch (FormatException)
            {
                result.AddError($"{name} must be a duration such as 60s, 2m, 500ms or a number of seconds (was '{text}').");
                return TimeSpan.Zero;
            }
        },
    };

    private static Option<string> OnOff(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "on|off" };
        option.AcceptOnlyFromAmong("on", "off", "true", "false", "yes", "no");
        return option;
    }
}
