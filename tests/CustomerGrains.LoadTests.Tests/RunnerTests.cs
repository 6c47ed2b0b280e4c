using CustomerGrains.LoadTests.Runner;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>
/// The runner against a server the test controls. Bounds are wide ratios: the machine is shared and
/// loaded, and what is proven is the runner's model, not the machine's speed.
/// </summary>
public sealed class RunnerTests
{
    private static readonly RunSettings Quiet = new() { WarmUp = TimeSpan.Zero, Progress = null, Drain = TimeSpan.FromSeconds(20) };

    private static async Task<ScenarioResult> RunAsync(Scenario scenario) =>
        (await LoadRunner.RunAsync([[scenario]], Quiet, TestContext.Current.CancellationToken))[0];

    private static Scenario Get(HttpTarget http, string path, params LoadSimulation[] simulations) =>
        new("get", [new Step("get", c => http.GetAsync(path, c.Cancellation))], simulations);

    [Fact]
    public async Task The_open_model_holds_the_target_rate()
    {
        await using var server = await StubServer.StartAsync();
        using var http = new HttpTarget([server.BaseAddress]);

        var result = await RunAsync(Get(http, "/fast", LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3))));

        Assert.Equal(600, result.PlannedIterations, precision: 6);
        Assert.Equal(0, result.Iterations.Fail);
        // Every planned iteration is started, late ones at once: the rate is held even when the generator lags.
        Assert.InRange(result.StartedIterations / result.PlannedIterations, 0.95, 1.01);
        Assert.InRange(result.AchievedRate / result.TargetRate, 0.9, 1.05);
        Assert.NotEmpty(result.Timeline);
    }

    [Fact]
    public async Task A_ramp_plans_the_area_under_its_rate()
    {
        var phases = LoadSimulation.Resolve(
        [
            LoadSimulation.RampingInject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
            LoadSimulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
            LoadSimulation.Pause(TimeSpan.FromSeconds(5)),
        ]);
        var (planned, duration) = LoadSimulation.Plan(phases);

        Assert.Equal(500 + 1000, planned, precision: 6);
        Assert.Equal(TimeSpan.FromSeconds(25), duration);
        // The 50th iteration of a ramp 0 -> 10/s over 10 s (count = t^2 / 2) is due at 10 s.
        Assert.Equal(10, ArrivalSchedule.TimeForCount(0, 1, 50), precision: 9);
    }

    [Fact]
    public async Task A_server_stall_shows_in_p99_from_the_intended_time_where_a_closed_loop_hides_it()
    {
        // Open model, 200/s for 4 s; after 100 requests the server freezes for a second: every request
        // due in that second waits, so about a fifth of all of them are slow and p99 is near the second.
        await using (var server = await StubServer.StartAsync(stallAfter: 100))
        {
            using var http = new HttpTarget([server.BaseAddress]);
            var open = await RunAsync(Get(http, "/stall", LoadSimulation.Inject(200, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4))));

            Assert.Equal(0, open.Iterations.Fail);
            Assert.InRange(open.Iterations.ResponseMs(99), 500, 5000);
            Assert.InRange(open.Iterations.ResponseMaxMs, 900, 5000);
        }

        // The same stall seen by one closed-loop copy: it waits once, sends nothing meanwhile, and only
        // one request of thousands is slow: the max shows the stall, p99 does not (coordinated omission).
        await using (var server = await StubServer.StartAsync(stallAfter: 100))
        {
            using var http = new HttpTarget([server.BaseAddress]);
            var closed = await RunAsync(Get(http, "/stall", LoadSimulation.KeepConstant(1, TimeSpan.FromSeconds(2))));

            Assert.False(closed.OpenModel);
            Assert.InRange(closed.Iterations.ResponseMaxMs, 900, 5000);
            Assert.InRange(closed.Iterations.ResponseMs(99), 0, 500);
        }
    }

    [Fact]
    public void Thresholds_parse_and_compare()
    {
        var p99 = Threshold.Parse("p99 < 5");
        var scoped = Threshold.Parse("screenpop-spike.lookup: p99.9 <= 20 ms");
        var fail = Threshold.Parse("fail% < 0.1");

        Assert.Equal(("p99", "<", 5.0, null as string), (p99.Metric, p99.Operator, p99.Limit, p99.Scenario));
        Assert.Equal(("screenpop-spike", "lookup", "p99.9", 20.0), (scoped.Scenario, scoped.Step, scoped.Metric, scoped.Limit));
        Assert.Equal("fail%", fail.Metric);
        Assert.Throws<FormatException>(() => Threshold.Parse("p99 about 5"));
    }
}
