namespace CustomerGrains.Domain.Value;

/// <summary>A customer of the calibration cohort: their calibration summary, first purchase day and hold-out purchases.</summary>
/// <param name="Calibration">x, t_x, T (weeks) and zbar over the purchases up to the calibration end.</param>
/// <param name="FirstPurchase">The day of the first purchase (on or before the calibration end).</param>
/// <param name="HoldoutPurchases">Purchase days after the calibration end, up to the hold-out end (0 without a hold-out).</param>
public readonly record struct HoldoutCustomer(CalibrationRow Calibration, DateOnly FirstPurchase, int HoldoutPurchases);

/// <summary>
/// A calibration period ending on <see cref="CalibrationEnd"/> (inclusive) and an optional hold-out period after it, ending
/// on <see cref="HoldoutEnd"/> (inclusive). Time is in weeks of 7 days: T runs from the first purchase day to the
/// calibration end day, and the hold-out lasts (hold-out end - calibration end) days / 7, as in the CDNOW summaries
/// (1997-01-01 to 1997-09-30 is T = 272/7).
/// </summary>
public sealed record CalibrationPeriod
{
    private const double DaysPerWeek = 7;

    /// <summary>Creates the period.</summary>
    /// <exception cref="ArgumentException">The hold-out end is not after the calibration end.</exception>
    public CalibrationPeriod(DateOnly calibrationEnd, DateOnly? holdoutEnd)
    {
        if (holdoutEnd is { } end && end <= calibrationEnd)
        {
            throw new ArgumentException(
                $"The hold-out end ({end:yyyy-MM-dd}) must be after the calibration end ({calibrationEnd:yyyy-MM-dd}).", nameof(holdoutEnd));
        }

        CalibrationEnd = calibrationEnd;
        HoldoutEnd = holdoutEnd;
    }

    /// <summary>The last day of the calibration period.</summary>
    public DateOnly CalibrationEnd { get; }

    /// <summary>The last day of the hold-out period, if there is one.</summary>
    public DateOnly? HoldoutEnd { get; }

    /// <summary>The length of the hold-out period in weeks (0 without one).</summary>
    public double HoldoutWeeks => HoldoutEnd is { } end ? Weeks(CalibrationEnd, end) : 0;

    /// <summary>(to - from) in weeks of 7 days.</summary>
    public static double Weeks(DateOnly from, DateOnly to) => (to.DayNumber - from.DayNumber) / DaysPerWeek;

    /// <summary>
    /// The calibration cohort: every customer whose first purchase is on or before the calibration end, summarised over
    /// the calibration period, with their purchase days in the hold-out counted. x counts the purchase days after the first;
    /// zbar is the mean amount of those repeat purchase days (0 when x = 0).
    /// </summary>
    public IReadOnlyList<HoldoutCustomer> Split(IEnumerable<CustomerPurchases> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var cohort = new List<HoldoutCustomer>();
        foreach (CustomerPurchases customer in customers)
        {
            if (customer.Days.Count == 0 || customer.Days[0] > CalibrationEnd)
            {
                continue;
            }

            DateOnly first = customer.Days[0];
            int x = 0;
            int holdout = 0;
            double repeatSpend = 0;
            DateOnly last = first;
            for (int i = 1; i < customer.Days.Count; i++)
            {
                DateOnly day = customer.Days[i];
                if (day <= CalibrationEnd)
                {
                    x++;
                    repeatSpend += customer.Amounts[i];
                    last = day;
                }
                else if (HoldoutEnd is { } end && day <= end)
                {
                    holdout++;
                }
            }

            var row = new CalibrationRow(customer.Id, x, Weeks(first, last), Weeks(first, CalibrationEnd), x > 0 ? repeatSpend / x : 0);
            cohort.Add(new HoldoutCustomer(row, first, holdout));
        }

        return cohort;
    }
}
