using System.Globalization;
using System.Text.RegularExpressions;

namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// A condition the run must meet, e.g. <c>p99 &lt; 5</c> (milliseconds, response time from the intended
/// start), <c>fail% &lt; 0.1</c> or <c>rps &gt;= 900</c>, optionally scoped to a scenario or a step:
/// <c>screenpop-spike.lookup: p99 &lt; 5</c>. Without a scope it applies to the run's primary scenario.
/// </summary>
public sealed partial record Threshold(string? Scenario, string? Step, string Metric, string Operator, double Limit)
{
    public static Threshold Parse(string text)
    {
        var match = Syntax().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a threshold such as 'p99 < 5', 'fail% < 0.1', 'rps >= 100' or 'scenario.step: p99 < 5'.");
        }
        string? scenario = null, step = null;
        if (match.Groups["scope"].Success)
        {
            var scope = match.Groups["scope"].Value;
            var dot = scope.IndexOf('.', StringComparison.Ordinal);
            (scenario, step) = dot < 0 ? (scope, null) : (scope[..dot], scope[(dot + 1)..]);
        }
        return new Threshold(scenario, step, match.Groups["metric"].Value.ToLowerInvariant(), match.Groups["op"].Value,
            double.Parse(match.Groups["limit"].Value, CultureInfo.InvariantCulture));
    }

    public override string ToString()
    {
        var scope = Scenario is null ? "" : Step is null ? $"{Scenario}: " : $"{Scenario}.{Step}: ";
        return $"{scope}{Metric} {Operator} {Limit.ToString(CultureInfo.InvariantCulture)}{(Metric.StartsWith('p') || Metric is "max" or "mean" ? " ms" : "")}";
    }

    /// <summary>Checks the threshold against the run; the primary scenario is the first of the engine's.</summary>
    public ThresholdOutcome Evaluate(IReadOnlyList<ScenarioResult> scenarios)
    {
        var scenario = Scenario is null
            ? scenarios.FirstOrDefault(s => s.Role == ScenarioRole.Engine) ?? scenarios.FirstOrDefault()
            : scenarios.FirstOrDefault(s => s.Name == Scenario);
        var figures = scenario?.Find(Step);
        if (scenario is null || figures is null)
        {
            return new ThresholdOutcome(this, double.NaN, false, "no such scenario or step in this run");
        }
        var actual = Metric switch
        {
            "fail%" => figures.FailPercent,
            "rps" => scenario.Duration.TotalSeconds > 0 ? figures.Requests / scenario.Duration.TotalSeconds : 0,
            "max" => figures.ResponseMaxMs,
            "mean" => figures.Response.TotalCount == 0 ? 0 : Latency.Milliseconds((long)HdrHistogram.HistogramExtensions.GetMean(figures.Response)),
            _ when Metric.StartsWith('p') => figures.ResponseMs(double.Parse(Metric[1..], CultureInfo.InvariantCulture)),
            _ => double.NaN,
        };
        var passed = figures.Requests > 0 && Operator switch
        {
            "<" => actual < Limit,
            "<=" => actual <= Limit,
            ">" => actual > Limit,
            ">=" => actual >= Limit,
            _ => false,
        };
        return new ThresholdOutcome(this, actual, passed, figures.Requests == 0 ? "no requests were measured" : null);
    }

    [GeneratedRegex(@"^\s*(?:(?<scope>[\w\-.]+)\s*:\s*)?(?<metric>p\d+(?:\.\d+)?|max|mean|fail%|rps)\s*(?<op><=|>=|<|>)\s*(?<limit>\d+(?:\.\d+)?)\s*(?:ms)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Syntax();
}

/// <summary>A threshold, the measured value and whether it held.</summary>
public sealed record ThresholdOutcome(Threshold Threshold, double Actual, bool Passed, string? Problem);
