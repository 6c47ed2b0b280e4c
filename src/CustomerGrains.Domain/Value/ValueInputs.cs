namespace CustomerGrains.Domain.Value;

/// <summary>
/// A customer's sufficient statistics as the live state keeps them (timestamps, counts and money), each updated in O(1)
/// per event. Money is net of returns: a return reduces the net spend of the purchase it belongs to, so a customer who
/// keeps little of what they buy has a low <see cref="RepeatNetSpendSum"/> and <see cref="TotalNetSpend"/>.
/// </summary>
public readonly record struct ValueInputs
{
    /// <summary>First interaction of any kind (contact, visit, purchase); the start of the cost-to-serve window.
    /// Null means the first purchase is the start.</summary>
    public DateTimeOffset? FirstSeenAt { get; init; }

    /// <summary>Time of the first purchase; null for a prospect who has not bought yet.</summary>
    public DateTimeOffset? FirstPurchaseAt { get; init; }

    /// <summary>Repeat purchases x: purchases on distinct days after the day of the first purchase.</summary>
    public int RepeatPurchaseCount { get; init; }

    /// <summary>Time of the last repeat purchase (t_x is measured from the first purchase to it); null when x = 0.</summary>
    public DateTimeOffset? LastRepeatPurchaseAt { get; init; }

    /// <summary>Sum of the net values (amount minus returned amount) of the repeat purchases.</summary>
    public double RepeatNetSpendSum { get; init; }

    /// <summary>Number of repeat purchases in <see cref="RepeatNetSpendSum"/> (normally x).</summary>
    public int RepeatSpendCount { get; init; }

    /// <summary>Minutes of calls with agents.</summary>
    public double CallMinutes { get; init; }

    /// <summary>Complaints opened.</summary>
    public int ComplaintCount { get; init; }

    /// <summary>Returns processed.</summary>
    public int ReturnCount { get; init; }

    /// <summary>Time of the last purchase (first or repeat); null for a prospect.</summary>
    public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>All purchases, the first included (RFM frequency).</summary>
    public int TotalPurchaseCount { get; init; }

    /// <summary>Net spend of all purchases, the first included (RFM monetary).</summary>
    public double TotalNetSpend { get; init; }
}

/// <summary>The live value score of one customer at one moment.</summary>
/// <param name="PAlive">BG/NBD probability that the customer is still active (0 for a prospect).</param>
/// <param name="ExpectedPurchases">Expected purchases in the next <see cref="ValueModelOptions.HorizonWeeks"/> weeks.</param>
/// <param name="ExpectedSpend">Gamma-Gamma expected net spend per future purchase.</param>
/// <param name="Clv">Discounted margin of the expected purchases over the CLV horizon.</param>
/// <param name="CostToServe">Discounted expected service cost over the same horizon.</param>
/// <param name="NetValue"><paramref name="Clv"/> minus <paramref name="CostToServe"/>.</param>
/// <param name="Rfm">RFM quintile score.</param>
/// <param name="Tier">Tier of <paramref name="NetValue"/> in the population; null (uncalibrated) until a population is
/// measured, unless the net value is negative (D needs no population).</param>
public readonly record struct ValueScore(
    double PAlive,
    double ExpectedPurchases,
    double ExpectedSpend,
    double Clv,
    double CostToServe,
    double NetValue,
    RfmScore Rfm,
    Tier? Tier)
{
    /// <summary>The expected purchases over the CLV horizon, each month's discounted to today: CLV = margin · expected spend · this.</summary>
    public double DiscountedPurchases { get; init; }
}
