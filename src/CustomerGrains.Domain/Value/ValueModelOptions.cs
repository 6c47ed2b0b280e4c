namespace CustomerGrains.Domain.Value;

/// <summary>One failed option check: the option's name and why its value is not accepted.</summary>
/// <param name="Name">The option's property name.</param>
/// <param name="Reason">What the value must be, with the value found.</param>
public readonly record struct OptionError(string Name, string Reason);

/// <summary>
/// Business options of the live value score. Money is in the shop's currency; <see cref="HorizonWeeks"/> is in weeks,
/// <see cref="ClvHorizonMonths"/> in months of 365.25/12 days.
/// </summary>
public sealed record ValueModelOptions
{
    /// <summary>The longest supported CLV horizon: 100 years.</summary>
    public const int MaxClvHorizonMonths = 1200;

    /// <summary>Gross margin on net spend, a fraction in [0, 1]. Default 0.3.</summary>
    public double Margin { get; init; } = 0.3;

    /// <summary>Horizon of the reported expected purchases, in weeks (greater than 0). Default 52.</summary>
    public double HorizonWeeks { get; init; } = 52;

    /// <summary>Horizon of CLV and of the expected cost-to-serve, in whole months (1 to 1200). Default 36.</summary>
    public int ClvHorizonMonths { get; init; } = 36;

    /// <summary>Annual discount rate, a fraction in [0, 1]; the monthly rate is (1 + annual)^(1/12) - 1. Default 0.10.</summary>
    public double AnnualDiscountRate { get; init; } = 0.10;

    /// <summary>Cost of one minute of a call with an agent (at least 0). Default 0.5.</summary>
    public double CostPerCallMinute { get; init; } = 0.5;

    /// <summary>Cost of handling one complaint (at least 0). Default 25.</summary>
    public double CostPerComplaint { get; init; } = 25;

    /// <summary>Cost of handling one return (at least 0). Default 10.</summary>
    public double CostPerReturn { get; init; } = 10;

    /// <summary>
    /// The repeat-purchase model <c>fit</c> puts in force when it is not given <c>--model</c>: BgNbd (default), ParetoNbd,
    /// or Auto (the lower hold-out error; needs a hold-out period). The engine uses the model the stored version chose.
    /// </summary>
    public RepeatPurchaseModelChoice RepeatPurchaseModel { get; init; } = RepeatPurchaseModelChoice.BgNbd;

    /// <summary>Checks every option and returns all failures (empty when the options are valid).</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var errors = new List<OptionError>();
        Check(double.IsFinite(Margin) && Margin is >= 0 and <= 1, nameof(Margin), $"must be between 0 and 1, was {Margin}.");
        Check(double.IsFinite(HorizonWeeks) && HorizonWeeks > 0, nameof(HorizonWeeks), $"must be a finite number of weeks greater than 0, was {HorizonWeeks}.");
        Check(ClvHorizonMonths is >= 1 and <= MaxClvHorizonMonths, nameof(ClvHorizonMonths), $"must be between 1 and {MaxClvHorizonMonths} months, was {ClvHorizonMonths}.");
        Check(double.IsFinite(AnnualDiscountRate) && AnnualDiscountRate is >= 0 and <= 1, nameof(AnnualDiscountRate), $"must be between 0 and 1, was {AnnualDiscountRate}.");
        CheckCost(CostPerCallMinute, nameof(CostPerCallMinute));
        CheckCost(CostPerComplaint, nameof(CostPerComplaint));
        CheckCost(CostPerReturn, nameof(CostPerReturn));
        Check(Enum.IsDefined(RepeatPurchaseModel), nameof(RepeatPurchaseModel), $"must be BgNbd, ParetoNbd or Auto, was {RepeatPurchaseModel}.");
        return errors;

        void CheckCost(double value, string name) =>
            Check(double.IsFinite(value) && value >= 0, name, $"must be a finite cost of at least 0, was {value}.");

        void Check(bool valid, string name, string reason)
        {
            if (!valid)
            {
                errors.Add(new OptionError(name, reason));
            }
        }
    }
}
