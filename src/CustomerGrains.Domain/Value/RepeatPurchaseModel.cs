namespace CustomerGrains.Domain.Value;

/// <summary>The kinds of repeat-purchase model a value model can be built on.</summary>
public enum RepeatPurchaseModelKind
{
    /// <summary>BG/NBD (Fader, Hardie &amp; Lee 2005): drop-out happens just after a purchase.</summary>
    BgNbd,

    /// <summary>Pareto/NBD (Schmittlein, Morrison &amp; Colombo 1987): drop-out can happen at any time.</summary>
    ParetoNbd,
}

/// <summary>
/// A fitted repeat-purchase ("buy till you die") model: what the value score, the hold-out comparison and the model choice
/// ask of BG/NBD and Pareto/NBD alike. Time is in weeks; a history is (x, t_x, T) as in <see cref="CalibrationRow"/>.
/// </summary>
public interface IRepeatPurchaseModel
{
    /// <summary>Which model this is.</summary>
    RepeatPurchaseModelKind Kind { get; }

    /// <summary>P(alive | x, t_x, T): the probability that the customer has not dropped out by T.</summary>
    double ProbabilityAlive(int x, double tx, double T);

    /// <summary>E[Y(t) | x, t_x, T]: the expected repeat purchases in the next <paramref name="t"/> weeks.</summary>
    double ConditionalExpectedPurchases(double t, int x, double tx, double T);

    /// <summary>E[X(t)]: the expected repeat purchases of a new customer in their first <paramref name="t"/> weeks.</summary>
    double ExpectedPurchases(double t);

    /// <summary>The total log-likelihood of the histories under this model.</summary>
    double LogLikelihood(IEnumerable<CalibrationRow> customers);

    /// <summary>The parameters as one line, e.g. "r = 0.2426, alpha = 4.4135, a = 0.7929, b = 2.4258".</summary>
    string Describe();
}
