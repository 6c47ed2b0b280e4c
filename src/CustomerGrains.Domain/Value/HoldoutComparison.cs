namespace CustomerGrains.Domain.Value;

/// <summary>
/// The calibration cohort of a transactions history cut at a <see cref="CalibrationPeriod"/>: each customer's calibration
/// summary and hold-out purchases, and the cohort's cumulative repeat purchases by day since the first purchase of anyone.
/// </summary>
public sealed class HoldoutSample
{
    private readonly int[] _cumulativeRepeats;
    private readonly Dictionary<int, int> _firstPurchaseDays;

    private HoldoutSample(CalibrationPeriod period, IReadOnlyList<HoldoutCustomer> customers, DateOnly start, int[] cumulativeRepeats)
    {
        Period = period;
        Customers = customers;
        CalibrationRows = [.. customers.Select(c => c.Calibration)];
        Start = start;
        _cumulativeRepeats = cumulativeRepeats;
        _firstPurchaseDays = customers.GroupBy(c => c.FirstPurchase.DayNumber - start.DayNumber).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>The periods.</summary>
    public CalibrationPeriod Period { get; }

    /// <summary>The calibration cohort.</summary>
    public IReadOnlyList<HoldoutCustomer> Customers { get; }

    /// <summary>The cohort's calibration summaries, what the models are fitted on.</summary>
    public IReadOnlyList<CalibrationRow> CalibrationRows { get; }

    /// <summary>The earliest first purchase of the cohort: day 0 of the tracking curve.</summary>
    public DateOnly Start { get; }

    /// <summary>The last day covered: the hold-out end, or the calibration end without a hold-out.</summary>
    public DateOnly End => Period.HoldoutEnd ?? Period.CalibrationEnd;

    /// <summary>Cuts <paramref name="purchases"/> at <paramref name="period"/>.</summary>
    /// <exception cref="ArgumentException">No customer bought on or before the calibration end.</exception>
    public static HoldoutSample Create(CalibrationPeriod period, IEnumerable<CustomerPurchases> purchases)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(purchases);
        IReadOnlyList<CustomerPurchases> all = purchases as IReadOnlyList<CustomerPurchases> ?? [.. purchases];
        IReadOnlyList<HoldoutCustomer> cohort = period.Split(all);
        if (cohort.Count == 0)
        {
            throw new ArgumentException(
                $"No customer made a first purchase on or before the calibration end {period.CalibrationEnd:yyyy-MM-dd}.", nameof(purchases));
        }

        DateOnly start = cohort.Min(c => c.FirstPurchase);
        DateOnly end = period.HoldoutEnd ?? period.CalibrationEnd;
        int[] cumulative = new int[end.DayNumber - start.DayNumber + 1];
        foreach (CustomerPurchases customer in all)
        {
            if (customer.Days.Count == 0 || customer.Days[0] > period.CalibrationEnd)
            {
                continue;
            }

            for (int i = 1; i < customer.Days.Count && customer.Days[i] <= end; i++)
            {
                cumulative[customer.Days[i].DayNumber - start.DayNumber]++;
            }
        }

        for (int d = 1; d < cumulative.Length; d++)
        {
            cumulative[d] += cumulative[d - 1];
        }

        return new HoldoutSample(period, cohort, start, cumulative);
    }

    /// <summary>The cohort's repeat purchases on days 0..<paramref name="day"/> (days since <see cref="Start"/>).</summary>
    internal int ActualCumulative(int day) => _cumulativeRepeats[day];

    /// <summary>Σ over the cohort of E[X(day - first purchase day)], the model's cumulative repeat purchases by that day.</summary>
    internal double PredictedCumulative(IRepeatPurchaseModel model, int day)
    {
        double total = 0;
        foreach ((int first, int count) in _firstPurchaseDays)
        {
            if (day > first)
            {
                total += count * model.ExpectedPurchases((day - first) / 7.0);
            }
        }

        return total;
    }
}

/// <summary>The customers with one calibration repeat count (the last group holds that count and more).</summary>
/// <param name="Label">"0" .. "6", "7+".</param>
/// <param name="Customers">How many customers.</param>
/// <param name="MeanActual">Their mean hold-out repeat purchases.</param>
/// <param name="MeanPredicted">Their mean E[Y(hold-out) | x, t_x, T].</param>
public sealed record HoldoutGroup(string Label, int Customers, double MeanActual, double MeanPredicted)
{
    /// <summary>|mean predicted - mean actual|.</summary>
    public double AbsoluteError => Math.Abs(MeanPredicted - MeanActual);
}

/// <summary>The cohort's cumulative repeat purchases through one day.</summary>
/// <param name="Week">The week since the cohort's first purchase (1-based; the last may be partial).</param>
/// <param name="Through">The last day counted.</param>
/// <param name="Actual">Repeat purchases made through that day.</param>
/// <param name="Predicted">Σ E[X(t)] over the cohort, t from each customer's first purchase to that day.</param>
public readonly record struct TrackingPoint(int Week, DateOnly Through, int Actual, double Predicted);

/// <summary>
/// How well a fitted model predicts the hold-out period: per calibration repeat count x = 0..6 and 7+, the customers,
/// their mean actual and mean predicted hold-out repeat purchases (the conditional expectation of Fader, Hardie &amp; Lee
/// 2005, figure 4), the totals, and the weekly cumulative repeat-purchase tracking curve (figure 2).
/// </summary>
/// <remarks>
/// Error measures: <see cref="GroupMeanAbsoluteError"/> is the mean over the groups of |mean predicted - mean actual|
/// (each group counts once, as on the paper's chart); <see cref="CustomerMeanAbsoluteError"/> is the mean over customers
/// of |predicted - actual|; <see cref="TotalError"/> is Σ predicted - Σ actual.
/// </remarks>
public sealed record HoldoutComparison(
    RepeatPurchaseModelKind Model,
    double HoldoutWeeks,
    IReadOnlyList<HoldoutGroup> Groups,
    int TotalActual,
    double TotalPredicted,
    double GroupMeanAbsoluteError,
    double CustomerMeanAbsoluteError,
    IReadOnlyList<TrackingPoint> Tracking,
    int CalibrationEndWeek)
{
    /// <summary>The number of groups: x = 0 .. 6 and 7+.</summary>
    public const int GroupCount = 8;

    /// <summary>Σ predicted - Σ actual hold-out repeat purchases.</summary>
    public double TotalError => TotalPredicted - TotalActual;

    /// <summary>Compares <paramref name="model"/>'s predictions with the hold-out purchases of <paramref name="sample"/>.</summary>
    /// <exception cref="ArgumentException">The sample has no hold-out period.</exception>
    public static HoldoutComparison Compute(IRepeatPurchaseModel model, HoldoutSample sample)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        double weeks = sample.Period.HoldoutWeeks;
        if (weeks <= 0)
        {
            throw new ArgumentException("The comparison needs a hold-out period.", nameof(sample));
        }

        var customers = new int[GroupCount];
        var actual = new double[GroupCount];
        var predicted = new double[GroupCount];
        double absoluteErrors = 0;
        int totalActual = 0;
        foreach (HoldoutCustomer customer in sample.Customers)
        {
            CalibrationRow c = customer.Calibration;
            double prediction = model.ConditionalExpectedPurchases(weeks, c.X, c.Tx, c.T);
            int group = Math.Min(c.X, GroupCount - 1);
            customers[group]++;
            actual[group] += customer.HoldoutPurchases;
            predicted[group] += prediction;
            totalActual += customer.HoldoutPurchases;
            absoluteErrors += Math.Abs(prediction - customer.HoldoutPurchases);
        }

        var groups = new HoldoutGroup[GroupCount];
        for (int g = 0; g < GroupCount; g++)
        {
            int n = customers[g];
            string label = g == GroupCount - 1 ? $"{g}+" : g.ToString(System.Globalization.CultureInfo.InvariantCulture);
            groups[g] = new HoldoutGroup(label, n, n == 0 ? 0 : actual[g] / n, n == 0 ? 0 : predicted[g] / n);
        }

        HoldoutGroup[] populated = [.. groups.Where(g => g.Customers > 0)];
        return new HoldoutComparison(
            model.Kind,
            weeks,
            groups,
            totalActual,
            predicted.Sum(),
            populated.Average(g => g.AbsoluteError),
            absoluteErrors / sample.Customers.Count,
            TrackingCurve(model, sample),
            (sample.Period.CalibrationEnd.DayNumber - sample.Start.DayNumber) / 7 + 1);
    }

    private static TrackingPoint[] TrackingCurve(IRepeatPurchaseModel model, HoldoutSample sample)
    {
        int lastDay = sample.End.DayNumber - sample.Start.DayNumber;
        int weekCount = (lastDay / 7) + 1;
        var points = new TrackingPoint[weekCount];
        for (int w = 1; w <= weekCount; w++)
        {
            int day = Math.Min((7 * w) - 1, lastDay);
            points[w - 1] = new TrackingPoint(
                w, sample.Start.AddDays(day), sample.ActualCumulative(day), sample.PredictedCumulative(model, day));
        }

        return points;
    }
}
