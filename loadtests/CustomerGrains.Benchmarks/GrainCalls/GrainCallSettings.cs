using System.Globalization;

namespace CustomerGrains.Benchmarks.GrainCalls;

/// <summary>The options of the grain-calls mode, parsed from the command line.</summary>
internal sealed record GrainCallSettings
{
    public int Customers { get; init; } = 2_000;

    /// <summary>Measured calls per operation and concurrency.</summary>
    public int Calls { get; init; } = 20_000;

    /// <summary>Calls made and thrown away before each measurement.</summary>
    public int Warmup { get; init; } = 5_000;

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8];

    /// <summary>Also measure through the gateway with a separate Orleans client, as a backend service calls.</summary>
    public bool Gateway { get; init; } = true;

    /// <summary>Where the SQLite files go; a scratch directory (deleted afterwards) when not given.</summary>
    public string? DataDirectory { get; init; }

    public const string Usage = """
        grain-calls [--customers N] [--calls N] [--warmup N] [--concurrency 1,8] [--no-gateway] [--data DIR]
          --customers    customers seeded through the log and measured (default 2000)
          --calls        measured calls per operation and concurrency (default 20000)
          --warmup       calls thrown away before each measurement (default 5000)
          --concurrency  comma-separated numbers of concurrent callers (default 1,8)
          --no-gateway   measure only the co-hosted client, not a separate client through the gateway
          --data         directory for the SQLite files (default: a scratch directory, deleted afterwards)
        """;

    /// <summary>Parses the arguments; returns null with a message for anything it does not understand.</summary>
    public static GrainCallSettings? Parse(IReadOnlyList<string> args, out string? error)
    {
        var settings = new GrainCallSettings();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            int Positive() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new FormatException($"{args[i - 1]} needs a positive whole number");
            try
            {
                settings = args[i] switch
                {
                    "--customers" => settings with { Customers = Positive() },
                    "--calls" => settings with { Calls = Positive() },
                    "--warmup" => settings with { Warmup = Positive() },
                    "--concurrency" => settings with { Concurrency = ParseList(Value()) },
                    "--no-gateway" => settings with { Gateway = false },
                    "--data" => settings with { DataDirectory = Value() },
                    _ => throw new FormatException($"unknown option {args[i]}"),
                };
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }
        return settings;
    }

    private static int[] ParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
            {
                throw new FormatException($"--concurrency needs positive whole numbers separated by commas, got '{text}'");
            }
        }
        return values.Length > 0 ? values : throw new FormatException("--concurrency needs at least one number");
    }
}
