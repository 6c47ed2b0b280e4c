using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class ValueModelOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_match_the_domain_description()
    {
        var options = new ValueModelOptions();

        Assert.Empty(options.Validate());
        Assert.Equal((0.3, 52.0, 36, 0.10, 0.5, 25.0, 10.0), (options.Margin, options.HorizonWeeks, options.ClvHorizonMonths,
            options.AnnualDiscountRate, options.CostPerCallMinute, options.CostPerComplaint, options.CostPerReturn));
    }

    [Fact]
    public void Validation_lists_every_invalid_option_with_a_reason()
    {
        var options = new ValueModelOptions
        {
            Margin = 1.5,
            HorizonWeeks = 0,
            ClvHorizonMonths = 0,
            AnnualDiscountRate = double.NaN,
            CostPerCallMinute = -1,
            CostPerComplaint = double.PositiveInfinity,
            CostPerReturn = -0.01,
        };

        IReadOnlyList<OptionError> errors = options.Validate();

        Assert.Equal(
            [
                nameof(ValueModelOptions.Margin), nameof(ValueModelOptions.HorizonWeeks), nameof(ValueModelOptions.ClvHorizonMonths),
                nameof(ValueModelOptions.AnnualDiscountRate), nameof(ValueModelOptions.CostPerCallMinute),
                nameof(ValueModelOptions.CostPerComplaint), nameof(ValueModelOptions.CostPerReturn),
            ],
            errors.Select(e => e.Name));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public void A_model_refuses_invalid_options_naming_all_of_them()
    {
        var options = new ValueModelOptions { Margin = -0.1, ClvHorizonMonths = 5000 };

        var error = Assert.Throws<ArgumentException>(() => new ValueModel(
            new BgNbdParameters(0.243, 4.414, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), options));

        Assert.Contains("Margin", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClvHorizonMonths", error.Message, StringComparison.Ordinal);
    }
}
