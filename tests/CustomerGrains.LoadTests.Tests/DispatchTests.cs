using System.Diagnostics;
using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>
/// The open model's dispatch: never early, every send's lag recorded, sent from the runner's own threads (not
/// queued behind the thread pool), and one schedule whatever the number of sender threads.
/// </summary>
public sealed class DispatchTests
{
    private static RunSettings Quiet(int senders = 2) => new() { WarmUp = TimeSpan.Zero, Progress = null, Senders = senders };

    [Fact]
    public void The_pacer_never_returns_before_the_intended_time()
    {
        // Deadlines from "already due" to 6 ms ahead cover the spin, the precise sleep and the coarse sleep.
        var random = new Random(5);
        var deadline = Stopwatch.GetTimestamp();
        for (var i = 0; i < 300; i++)
        {
            deadline += (long)(random.NextDouble() * 0.006 * Stopwatch.Frequency);
            var woke = Pacer.WaitUntil(deadline, Pacer.DefaultSpinTicks, CancellationToken.None);
            Assert.True(woke >= deadline, $"wait {i} returned {deadline - woke} ticks early");
        }
    }

    [Fact]
    public void A_cancelled_wait_returns_at_once()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var woke = Pacer.WaitUntil(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60, Pacer.DefaultSpinTicks, stop.Token);

        Assert.True(woke < Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30);
    }

    [Fact]
    public async Task Open_model_requests_are_sent_from_the_sender_threads_and_each_send_records_its_lag()
    {
        long calls = 0, fromThePool = 0;
        var step = new Step("send", _ =>
        {
            Interlocked.Increment(ref calls);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref fromThePool);
            }
            return ValueTask.FromResult(StepResult.Ok(200, 10));
        });
        var scenario = new Scenario("sends", [step], [LoadSimulation.Inject(300, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))]);

        var result = (await LoadRunner.RunAsync([[scenario]], Quiet(), TestContext.Current.CancellationToken))[0];

        Assert.Equal(0, fromThePool);
        Assert.Equal(Interlocked.Read(ref calls), result.StartedIterations);
        Assert.Equal(result.StartedIterations, result.Lag.TotalCount);
        Assert.InRange(result.StartedIterations, 595, 600);
    }

    [Fact]
    public async Task Poisson_arrivals_follow_one_schedule_whatever_the_number_of_senders()
    {
        async Task<long> Count(int senders)
        {
            long calls = 0;
            var scenario = new Scenario("poisson", [new Step("send", _ =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(StepResult.Ok());
            })], [LoadSimulation.Inject(400, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))]) { Arrivals = Arrivals.Poisson };
            _ = await LoadRunner.RunAsync([[scenario]], Quiet(senders), TestContext.Current.CancellationToken);
            return calls;
        }

        var one = await Count(1);
        var three = await Count(3);

        Assert.Equal(one, three);
        Assert.InRange(one, 300, 500);
    }
}
