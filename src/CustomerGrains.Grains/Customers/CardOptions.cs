using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.Customers;

/// <summary>How long a computed card is served from memory (section <c>Cards</c>).</summary>
public sealed class CardOptions : ISelfValidatingOptions
{
    public const string Section = "Cards";

    /// <summary>
    /// The longest a customer's card "as of now" is served before it is computed again, when neither the customer, nor
    /// the rules, nor the lifecycle's next review made it stale sooner. Default 1 minute; zero computes every read.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Validate()
    {
        if (MaxAge < TimeSpan.Zero || MaxAge > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(MaxAge)} must be between 0 and 1 hour (was {MaxAge})";
        }
    }
}
