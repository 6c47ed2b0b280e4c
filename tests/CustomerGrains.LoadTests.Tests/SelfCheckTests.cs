using System.Diagnostics;
using System.Runtime.InteropServices;
using CustomerGrains.LoadTests.Reports;
using CustomerGrains.LoadTests.Runner;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>
/// The generator checks itself (its dispatch lag against limits), sizes its connection pool, and runs its senders
/// at real-time priority where it may.
/// </summary>
public sealed partial class SelfCheckTests
{
    private static readonly GeneratorLimits Limits = new(0.2, 1.0);

    [Fact]
    public void A_lag_within_both_limits_passes_and_one_over_either_flags_the_generator()
    {
        var ok = GeneratorCheck.Assess(openModel: true, sends: 1000, p50Ms: 0.05, p99Ms: 0.8, Limits);
        var slowMedian = GeneratorCheck.Assess(openModel: true, sends: 1000, p50Ms: 0.87, p99Ms: 0.9, Limits);
        var slowTail = GeneratorCheck.Assess(openModel: true, sends: 1000, p50Ms: 0.1, p99Ms: 3.5, Limits);

        Assert.Equal((true, false), (ok.Applies, ok.Bottleneck));
        Assert.StartsWith("ok:", ok.Text, StringComparison.Ordinal);
        Assert.True(slowMedian.Bottleneck);
        Assert.Contains("p50 0.870 ms > 0.2 ms", slowMedian.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("p99", slowMedian.Text.Split(';')[0], StringComparison.Ordinal);
        Assert.True(slowTail.Bottleneck);
        Assert.Contains("p99 3.500 ms > 1 ms", slowTail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_loop_or_an_empty_run_is_not_judged()
    {
        var closed = GeneratorCheck.Assess(openModel: false, sends: 1000, p50Ms: 5, p99Ms: 50, Limits);
        var empty = GeneratorCheck.Assess(Latency.NewHistogram(), openModel: true, Limits);

        Assert.Equal((false, false), (closed.Applies, closed.Bottleneck));
        Assert.Contains("closed model", closed.Text, StringComparison.Ordinal);
        Assert.Equal((false, false), (empty.Applies, empty.Bottleneck));
    }

    [Fact]
    public void The_limits_are_read_from_the_command_line_and_nonsense_is_refused()
    {
        Assert.Equal(new GeneratorLimits(0.1, 2), GeneratorLimits.Parse("0.1, 2"));
        Assert.Throws<FormatException>(() => GeneratorLimits.Parse("1"));
        Assert.Throws<FormatException>(() => GeneratorLimits.Parse("2,1"));
        Assert.Throws<FormatException>(() => GeneratorLimits.Parse("0,1"));
    }

    [Fact]
    public async Task A_generator_that_cannot_keep_up_flags_itself_in_the_report_and_one_that_can_does_not()
    {
        // One sender whose every send holds it for 15 ms cannot start 200 a second: each start is later than the
        // last, half of them by over a second. The same rate with sends that return at once keeps up (limits far
        // above its lag, as the machine is shared and its tail is not under the test's control).
        static Step Holding(TimeSpan hold) => new("send", _ =>
        {
            var until = Stopwatch.GetTimestamp() + Latency.Ticks(hold);
            while (Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(50);
            }
            return ValueTask.FromResult(StepResult.Ok(200, 10));
        });
        static Scenario Sending(string name, TimeSpan hold) =>
            new(name, [Holding(hold)], [LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))]);
        var settings = new RunSettings { WarmUp = TimeSpan.Zero, Progress = null, Senders = 1, GeneratorLimits = new(25, 1000) };

        var results = await LoadRunner.RunAsync([[Sending("slow-generator", TimeSpan.FromMilliseconds(15))], [Sending("quick-generator", TimeSpan.Zero)]],
            settings, TestContext.Current.CancellationToken);
        var run = new RunResult("test", DateTimeOffset.UtcNow, "test", [], results, []);
        var markdown = MarkdownReport.Render(run);

        Assert.True(results[0].SelfCheck.Bottleneck, results[0].SelfCheck.Text);
        Assert.False(results[1].SelfCheck.Bottleneck, results[1].SelfCheck.Text);
        Assert.Equal(["slow-generator"], run.GeneratorBound.Select(s => s.Name));
        Assert.Contains("## Generator self-check", markdown, StringComparison.Ordinal);
        Assert.Contains("**WARNING: the generator was the bottleneck in slow-generator:", markdown, StringComparison.Ordinal);
        Assert.Contains(markdown.Split('\n'), l => l.StartsWith("| slow-generator | GENERATOR WAS THE BOTTLENECK", StringComparison.Ordinal));
        Assert.Contains(markdown.Split('\n'), l => l.StartsWith("| quick-generator | ok: dispatch lag", StringComparison.Ordinal));
    }

    [Fact]
    public void Automatic_connections_follow_the_rate_and_the_copies_within_bounds()
    {
        Assert.Equal(250, ConnectionPlan.Parse("auto", 5000, hosts: 1, copies: null).PerHost);   // 5000/s x 50 ms
        Assert.Equal(125, ConnectionPlan.Parse("auto", 5000, hosts: 2, copies: null).PerHost);   // round-robin halves it
        Assert.Equal(ConnectionPlan.Minimum, ConnectionPlan.Parse("auto", 300, hosts: 1, copies: null).PerHost);
        Assert.Equal(ConnectionPlan.Maximum, ConnectionPlan.Parse("auto", 1_000_000, hosts: 1, copies: null).PerHost);
        Assert.Equal(32, ConnectionPlan.Parse("auto", 5000, hosts: 1, copies: 32).PerHost);       // one per closed-loop copy
        Assert.Equal(64, ConnectionPlan.Parse("64", 5000, hosts: 1, copies: null).PerHost);
        Assert.Contains("Little's law", ConnectionPlan.Parse("auto", 5000, 1, null).Description, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ConnectionPlan.Parse("many", 5000, 1, null));
        Assert.Throws<FormatException>(() => ConnectionPlan.Parse("0", 5000, 1, null));
    }

    [Fact]
    public async Task With_realtime_on_the_requests_leave_from_threads_at_the_priority_the_process_may_have_and_with_it_off_at_normal()
    {
        var permitted = RealtimePriority.Probe();

        var (on, onPolicies) = await RunWithRealtime(true);
        var (off, offPolicies) = await RunWithRealtime(false);

        // Each send runs on its sender thread up to its first await, so the step sees the sender's own scheduling.
        Assert.Equal([permitted.Realtime ? SchedFifo : SchedOther], onPolicies);
        Assert.Equal(permitted.Description, on.SenderPriority);
        Assert.Equal([SchedOther], offPolicies);
        Assert.Equal(RealtimePriority.Off.Description, off.SenderPriority);
        if (!permitted.Realtime)
        {
            Assert.Contains("normal priority", permitted.Description, StringComparison.Ordinal);
        }
    }

    private static async Task<(ScenarioResult Result, int[] Policies)> RunWithRealtime(bool realtime)
    {
        var policies = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var step = new Step("send", _ =>
        {
            policies[SchedGetScheduler(0)] = true;
            return ValueTask.FromResult(StepResult.Ok());
        });
        var scenario = new Scenario("priority", [step], [LoadSimulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))]);
        var settings = new RunSettings { WarmUp = TimeSpan.Zero, Progress = null, Realtime = realtime };
        var result = (await LoadRunner.RunAsync([[scenario]], settings, TestContext.Current.CancellationToken))[0];
        return (result, [.. policies.Keys]);
    }

    private const int SchedOther = 0;
    private const int SchedFifo = 1;

    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);
}
