using CustomerGrains.LoadTests.Runner;

namespace CustomerGrains.LoadTests.Tests;

/// <summary>The intended start times of the open model: where they fall, how many there are, and how senders share them.</summary>
public sealed class ArrivalScheduleTests
{
    private static List<double> All(ArrivalSchedule schedule)
    {
        var times = new List<double>();
        while (schedule.TryNext(out var at))
        {
            times.Add(at);
        }
        return times;
    }

    private static List<double> All(double from, double to, double seconds, Arrivals arrivals = Arrivals.Constant, int seed = 1, int sender = 0, int senders = 1) =>
        All(new ArrivalSchedule(from, to, TimeSpan.FromSeconds(seconds), arrivals, seed, sender, senders));

    [Fact]
    public void A_constant_rate_is_evenly_spaced_and_ends_with_the_phase()
    {
        var times = All(100, 100, 2);

        Assert.Equal(199, times.Count);   // the 200th start is due at 2 s, when the phase is over
        Assert.Equal(0.01, times[0], precision: 12);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(0.01, pair.Second - pair.First, precision: 9));
        Assert.True(times[^1] < 2);
    }

    [Fact]
    public void A_ramp_starts_slowly_and_plans_the_area_under_its_rate()
    {
        // 0 -> 100/s over 10 s: 500 starts (the last one falls on the end, so 499), twice as dense at the end as at the middle.
        var times = All(0, 100, 10);

        Assert.Equal(499, times.Count);
        Assert.Equal(Math.Sqrt(0.2), times[0], precision: 9);   // count(t) = 5 t^2 reaches 1 at t = sqrt(1/5)
        Assert.Equal(124, times.Count(t => t < 5));             // a quarter of the area in the first half (the 125th falls on 5 s)
        Assert.Equal(times.Order().ToList(), times);
    }

    [Fact]
    public void A_falling_ramp_and_a_pause_plan_what_they_should()
    {
        var falling = All(100, 0, 10);
        var pause = All(0, 0, 5);

        Assert.Equal(499, falling.Count);
        Assert.Equal(374, falling.Count(t => t < 5));   // three quarters of the area in the first half (the 375th falls on 5 s)
        Assert.Empty(pause);
    }

    [Fact]
    public void Poisson_arrivals_keep_the_mean_rate_with_irregular_gaps_and_repeat_with_their_seed()
    {
        var times = All(1000, 1000, 10, Arrivals.Poisson, seed: 3);
        var again = All(1000, 1000, 10, Arrivals.Poisson, seed: 3);
        var other = All(1000, 1000, 10, Arrivals.Poisson, seed: 4);

        Assert.InRange(times.Count, 9700, 10300);   // 10,000 expected, standard deviation 100
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        var mean = gaps.Average();
        var deviation = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));
        Assert.InRange(deviation / mean, 0.9, 1.1);   // exponential gaps: the deviation equals the mean
        Assert.Equal(times, again);
        Assert.NotEqual(times, other);
    }

    [Theory]
    [InlineData(Arrivals.Constant)]
    [InlineData(Arrivals.Poisson)]
    public void Senders_share_one_schedule_each_start_exactly_once(Arrivals arrivals)
    {
        var single = All(0, 500, 3, arrivals, seed: 9);

        var shared = Enumerable.Range(0, 3).SelectMany(k => All(0, 500, 3, arrivals, seed: 9, sender: k, senders: 3)).Order().ToList();

        Assert.Equal(single, shared);
    }

    [Fact]
    public void A_sender_outside_its_senders_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(1, 1, TimeSpan.FromSeconds(1), Arrivals.Constant, 1, sender: 2, senders: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(-1, 1, TimeSpan.FromSeconds(1), Arrivals.Constant, 1));
    }
}
