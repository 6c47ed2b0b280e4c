namespace CustomerGrains.Domain.Needs;

/// <summary>The knobs of the need profile; <see cref="Validate"/> lists every problem at once.</summary>
public sealed record NeedOptions
{
    /// <summary>How many categories the profile lists (the strongest affinities). Default 5.</summary>
    public int TopCategories { get; init; } = 5;

    /// <summary>The basket size (items per order) that maps to 0.5 in the trait vector. Default 3 items.</summary>
    public double BasketScale { get; init; } = 3;

    /// <summary>The mean inter-purchase time that maps to 0.5 in the trait vector. Default 30 days.</summary>
    public double FrequencyScaleDays { get; init; } = 30;

    /// <summary>The share of discounted purchases from which price sensitivity is medium. Default 0.2.</summary>
    public double MediumDiscountShare { get; init; } = 0.2;

    /// <summary>The share of discounted purchases from which price sensitivity is high. Default 0.5.</summary>
    public double HighDiscountShare { get; init; } = 0.5;

    /// <summary>Every problem of these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (TopCategories is < 1 or > 100)
        {
            errors.Add($"{nameof(TopCategories)} must be between 1 and 100 (was {TopCategories})");
        }
        if (!(BasketScale > 0 && BasketScale <= 1000))
        {
            errors.Add($"{nameof(BasketScale)} must be more than 0 and at most 1000 (was {BasketScale})");
        }
        if (!(FrequencyScaleDays > 0 && FrequencyScaleDays <= 3650))
        {
            errors.Add($"{nameof(FrequencyScaleDays)} must be more than 0 and at most 3650 (was {FrequencyScaleDays})");
        }
        if (MediumDiscountShare is < 0 or > 1)
        {
            errors.Add($"{nameof(MediumDiscountShare)} must be between 0 and 1 (was {MediumDiscountShare})");
        }
        if (HighDiscountShare is < 0 or > 1)
        {
            errors.Add($"{nameof(HighDiscountShare)} must be between 0 and 1 (was {HighDiscountShare})");
        }
        if (MediumDiscountShare > HighDiscountShare)
        {
            errors.Add($"{nameof(MediumDiscountShare)} ({MediumDiscountShare}) must not exceed {nameof(HighDiscountShare)} ({HighDiscountShare})");
        }
        return errors;
    }
}
