using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Needs;

/// <summary>The customer's interest in a category: the decayed score and its share of all categories' scores.</summary>
public sealed record CategoryAffinity(string Category, double Score, double Share);

public enum PriceSensitivityLevel { Low, Medium, High }

/// <summary>
/// How much the customer buys on discount: the share of purchases with a discount and the average depth
/// (discount / price before discount) of those purchases.
/// </summary>
public sealed record PriceSensitivity(double DiscountedShare, double AverageDepth, PriceSensitivityLevel Level);

/// <summary>How often the customer buys: gaps between purchase days (mean, spread, longest) and the current gap.</summary>
public sealed record PurchaseRhythm(double? MeanGapDays, double? GapStdDevDays, int? LongestGapDays, double? DaysSinceLastPurchase);

/// <summary>
/// The average trait vector of a segment (same keys as <see cref="NeedProfileView.Traits"/>), computed by
/// whoever aggregates the segment's customers; the need profile measures the customer's distance to it.
/// </summary>
public sealed record SegmentAverages(string Segment, IReadOnlyDictionary<string, double> Traits);

/// <summary>
/// What a service person asks about a customer's needs: what (category affinities), when (contact hour
/// and weekday, UTC and local; the dayparts of the traits in local time when the time zone is known), where (channel), how many (basket), what price (price sensitivity), how to pay,
/// how often (inter-purchase time); plus stated preferences, experience gaps with the key experience,
/// the mood at the last contact, open complaints, and how individual the needs are against the segment.
/// </summary>
/// <param name="Categories">The strongest category affinities as of the moment, strongest first.</param>
/// <param name="PreferredHour">The UTC hour of day with the most contacts and engagements (<see cref="LocalPreferredHour"/> in the customer's time).</param>
/// <param name="PreferredWeekday">The UTC weekday with the most contacts and engagements (<see cref="LocalPreferredWeekday"/> in the customer's time).</param>
/// <param name="ContactObservations">How many contacts and engagements the hour and weekday preferences rest on.</param>
/// <param name="PreferredChannel">The channel with the largest share of the customer's dealings.</param>
/// <param name="ChannelShares">Per channel its share of contacts, purchases and engagements.</param>
/// <param name="AverageBasketItems">Items per order, over orders that listed their lines.</param>
/// <param name="AverageOrderValue">Amount paid per order.</param>
/// <param name="Price">Price sensitivity: share and depth of discounted purchases.</param>
/// <param name="PreferredPayment">The payment method used most.</param>
/// <param name="InterPurchase">Gaps between purchase days.</param>
/// <param name="Preferences">Stated preferences with their source and time.</param>
/// <param name="ExperienceGaps">Per answered dimension the experience gap.</param>
/// <param name="KeyExperience">The dimension with the worst weighted gap.</param>
/// <param name="LastEmotion">The mood noted at the latest contact that noted one.</param>
/// <param name="OpenComplaints">Open complaints, oldest first, with their age.</param>
/// <param name="Traits">The normalised trait vector (each value 0..1) that <see cref="Individuality"/> compares.</param>
/// <param name="Individuality">Distance to the segment average, 0 (typical) to 1 (as different as possible); null without a segment or traits.</param>
public sealed record NeedProfileView(
    IReadOnlyList<CategoryAffinity> Categories,
    int? PreferredHour,
    DayOfWeek? PreferredWeekday,
    int ContactObservations,
    Channel? PreferredChannel,
    IReadOnlyDictionary<Channel, double> ChannelShares,
    double? AverageBasketItems,
    decimal? AverageOrderValue,
    PriceSensitivity Price,
    PaymentMethod? PreferredPayment,
    PurchaseRhythm InterPurchase,
    IReadOnlyDictionary<string, StatedPreference> Preferences,
    IReadOnlyList<ExperienceGap> ExperienceGaps,
    ExperienceGap? KeyExperience,
    EmotionNote? LastEmotion,
    IReadOnlyList<OpenComplaintView> OpenComplaints,
    IReadOnlyDictionary<string, double> Traits,
    double? Individuality)
{
    /// <summary>The customer's time zone and holiday region, and where they come from (profile, phone, default).</summary>
    public Contacts.LocalZone? Zone { get; init; }

    /// <summary>The why: the reasons the customer buys, calls, complains, returns or leaves, decayed like the categories, strongest first.</summary>
    public IReadOnlyList<ReasonShare> Why { get; init; } = [];

    /// <summary>
    /// The hour of day with the most of the latest contacts and engagements in the customer's time zone (<see cref="Zone"/>),
    /// each read with the zone's rules at its own instant (daylight saving); null without contacts or a zone.
    /// </summary>
    public int? LocalPreferredHour { get; init; }

    /// <summary>The weekday with the most of the latest contacts and engagements in the customer's time zone; null without contacts or a zone.</summary>
    public DayOfWeek? LocalPreferredWeekday { get; init; }
}

/// <summary>One reason of the customer's dealings (a contact's reason, a complaint's category, a purchase's or return's reason), its decayed score and share.</summary>
public sealed record ReasonShare(string Reason, double Score, double Share);
