using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Decisions;

/// <summary>
/// The rules of tiered service as data: what each value tier gets (service level, routing, compensation,
/// care and birthday budgets), which recovery script fits each mood, when complaints earn compensation,
/// when to offer retention, win-back and cross-sell, the thresholds of the marketing matrices, and what
/// the company serves well. Read and validated by <see cref="PolicyJson.Parse"/>; every decision names the
/// <see cref="Version"/> it was made under.
/// </summary>
public sealed record Policy(
    string Version,
    ImmutableDictionary<string, TierPolicy> Tiers,
    RecoveryPolicy Recovery,
    ComplaintPolicy Complaints,
    RetentionPolicy Retention,
    WinBackPolicy WinBack,
    CrossSellPolicy CrossSell,
    BirthdayPolicy Birthday,
    MarketingPolicy Marketing,
    CapabilityPolicy Capabilities)
{
    /// <summary>How customers are judged before the population is measured (optional in the file; default: served as C, nobody high value).</summary>
    public UncalibratedPolicy Uncalibrated { get; init; } = UncalibratedPolicy.Default;

    /// <summary>What each marketing mode and selection quadrant changes in the offers (optional in the file; default: nothing).</summary>
    public MatrixPolicy Matrices { get; init; } = MatrixPolicy.None;

    /// <summary>Holidays and time zones per region (optional in the file; default: no holidays, UTC).</summary>
    public CalendarPolicy Calendar { get; init; } = CalendarPolicy.None;

    /// <summary>What each contact channel changes in the service and the actions (optional in the file; default: nothing, every channel alike).</summary>
    public ImmutableDictionary<Channel, ChannelPolicy> Channels { get; init; } = ImmutableDictionary<Channel, ChannelPolicy>.Empty;

    /// <summary>The resource name of the default policy embedded in this assembly.</summary>
    public const string DefaultResourceName = "default-policy.json";

    /// <summary>The tiers a policy must describe, best first.</summary>
    public static readonly ImmutableArray<string> TierNames = ["A", "B", "C", "D"];

    private static readonly Lazy<Policy> DefaultPolicy = new(LoadDefault);

    /// <summary>The policy shipped with the engine (<c>Decisions/default-policy.json</c>).</summary>
    public static Policy Default => DefaultPolicy.Value;

    private static Policy LoadDefault()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var (policy, errors) = PolicyJson.Parse(reader.ReadToEnd());
        return policy ?? throw new InvalidOperationException(
            $"The embedded default policy is invalid: {string.Join("; ", errors)}");
    }
}

/// <summary>What a value tier gets: the service level and routing priority (1 is served first), how much compensation an agent may grant, and the tier's care action and birthday budget.</summary>
public sealed record TierPolicy(string DisplayName, string ServiceLevel, int RoutingPriority, decimal CompensationLimit, CarePolicy? Care, decimal BirthdayBudget);

/// <summary>
/// What a contact on one channel changes: the service level per tier on this channel (<see cref="ServiceLevels"/>, e.g. an
/// answer within 4 hours by e-mail; a tier not listed keeps its own), how many levels the routing priority rises
/// (<see cref="PriorityBoost"/>, e.g. a customer standing at the counter), and the action kinds not offered in a contact on this
/// channel (<see cref="Hold"/>, e.g. no cross-selling in the answer to a service e-mail). Every field is optional in the file.
/// </summary>
public sealed record ChannelPolicy(ImmutableDictionary<string, string> ServiceLevels, int PriorityBoost, ImmutableArray<ActionKind> Hold)
{
    public static ChannelPolicy Neutral { get; } = new(ImmutableDictionary<string, string>.Empty, 0, []);
}

/// <summary>
/// A care action for a tier (a personal gift, a holiday gift, a greeting), its budget per customer per <see cref="PeriodDays"/>
/// and the channel it goes out on. Accepted offers (<c>offer</c> events) spend the budget; a new offer waits at least
/// <see cref="MinIntervalDays"/> after the last one; a <see cref="CareOccasion.Holiday"/> action is due only before a
/// holiday of the customer's region (<see cref="CalendarPolicy"/>).
/// </summary>
public sealed record CarePolicy(string Action, decimal Budget, ConsentChannel Channel)
{
    public int PeriodDays { get; init; } = 365;

    public int MinIntervalDays { get; init; }

    public CareOccasion Occasion { get; init; }
}

/// <summary>When a care action is due: at any time, or before a holiday of the customer's region.</summary>
public enum CareOccasion { Anytime, Holiday }

/// <summary>
/// Service recovery: the script per mood, used while the mood was noted no longer than <see cref="MaxAgeDays"/> ago, and
/// the <see cref="Pattern"/> by which the engine itself suspects a customer who gains from complaining.
/// </summary>
public sealed record RecoveryPolicy(int MaxAgeDays, ImmutableDictionary<Emotion, RecoveryScript> Scripts)
{
    /// <summary>When the engine flags a complaint pattern (optional in the file; the defaults of <see cref="ComplaintPattern"/>).</summary>
    public ComplaintPattern Pattern { get; init; } = ComplaintPattern.Default;
}

/// <summary>
/// A recovery script and how many levels it raises the routing priority. A <see cref="Firm"/> script holds to the policy:
/// compensation only as the complaint rules grant it, never escalated; <see cref="InformSupervisor"/> tells the agent to
/// inform a supervisor (both optional in the file, default false).
/// </summary>
public sealed record RecoveryScript(string Script, int PriorityBoost)
{
    public bool Firm { get; init; }

    public bool InformSupervisor { get; init; }
}

/// <summary>
/// The pattern of a customer who gains from complaining, flagged even when no agent noted the mood: at least
/// <see cref="CompensatedComplaints"/> complaints resolved with compensation within <see cref="WithinDays"/>, or at least
/// <see cref="MinComplaints"/> complaints at a rate <see cref="RateAbovePeers"/> times the population's or more. A
/// flagged customer is treated with the <see cref="Emotion.SecretlyPleased"/> script's firm measures.
/// </summary>
public sealed record ComplaintPattern(int CompensatedComplaints, int WithinDays, double RateAbovePeers, int MinComplaints)
{
    public static ComplaintPattern Default { get; } = new(3, 365, 5, 3);
}

/// <summary>Open complaints: whether to apologise, from which severity compensation is offered, and the routing boost.</summary>
public sealed record ComplaintPolicy(bool Apologise, ComplaintSeverity CompensationMinSeverity, int PriorityBoost);

/// <summary>
/// The retention offer for customers of the listed (valuable) tiers who are declining, or who are in touch
/// for one of <see cref="ContactReasons"/> (e.g. to cancel).
/// </summary>
public sealed record RetentionPolicy(string Action, ConsentChannel Channel, ImmutableArray<string> Tiers, decimal Budget, ImmutableArray<string> ContactReasons);

/// <summary>The win-back offer for churned customers whose past net spend shows they were valuable.</summary>
public sealed record WinBackPolicy(string Action, ConsentChannel Channel, decimal MinPastNetSpend, decimal Budget);

/// <summary>Cross-selling to stable customers in the categories they are drawn to (affinity share at least <see cref="MinAffinityShare"/>).</summary>
public sealed record CrossSellPolicy(string Action, ConsentChannel Channel, double MinAffinityShare, int MaxCategories);

/// <summary>The birthday action, offered when the birthday is at most <see cref="WithinDays"/> ahead; the budget is the tier's.</summary>
public sealed record BirthdayPolicy(string Action, ConsentChannel Channel, int WithinDays)
{
    /// <summary>The least number of days between two birthday offers (the budget is the tier's per year). Default 300.</summary>
    public int MinIntervalDays { get; init; } = 300;
}

/// <summary>
/// The holiday calendar: per region (ISO 3166 code) its time zone and holidays. A customer's region is their phone's
/// (national numbers read in <see cref="DefaultRegion"/>), else <see cref="DefaultRegion"/>; a holiday care action is due
/// when a holiday of that region is at most <see cref="WithinDays"/> ahead in the customer's local time.
/// </summary>
public sealed record CalendarPolicy(string DefaultRegion, int WithinDays, ImmutableDictionary<string, RegionCalendar> Regions)
{
    public static CalendarPolicy None { get; } = new("US", 0, ImmutableDictionary<string, RegionCalendar>.Empty);

    private readonly Lazy<Contacts.PhoneNumberNormalizer> phones = new(() => new Contacts.PhoneNumberNormalizer(DefaultRegion));

    /// <summary>Reads customers' phones to find their region.</summary>
    [JsonIgnore]
    public Contacts.PhoneNumberNormalizer Phones => phones.Value;

    /// <summary>The next holiday of <paramref name="region"/> on or after <paramref name="today"/>, and how many days ahead it is.</summary>
    public (Holiday Holiday, int Days)? NextHoliday(string region, DateOnly today)
    {
        if (!Regions.TryGetValue(region, out var calendar))
        {
            return null;
        }
        (Holiday, int)? next = null;
        foreach (var holiday in calendar.Holidays)
        {
            if (holiday.Next(today) is { } day && (next is null || day.DayNumber - today.DayNumber < next.Value.Item2))
            {
                next = (holiday, day.DayNumber - today.DayNumber);
            }
        }
        return next;
    }
}

/// <summary>A region's time zone (IANA id) and holidays.</summary>
public sealed record RegionCalendar(string TimeZone, ImmutableArray<Holiday> Holidays);

/// <summary>A holiday: every year on its month and day, or once when <see cref="Year"/> is set (a movable feast such as Easter).</summary>
[JsonConverter(typeof(HolidayJsonConverter))]
public sealed record Holiday(string Name, int Month, int Day, int? Year)
{
    /// <summary>The date as the policy file writes it: MM-dd every year, yyyy-MM-dd for one year.</summary>
    public string Date => Year is { } year ? $"{year:D4}-{Month:D2}-{Day:D2}" : $"{Month:D2}-{Day:D2}";

    /// <summary>
    /// Reads a holiday's date as the policy file writes it: <c>MM-dd</c> for every year (read in a leap year, so <c>02-29</c>
    /// is a date, kept on the 28th in other years) or <c>yyyy-MM-dd</c> for one year. False for anything else.
    /// </summary>
    public static bool TryParseDate(string? text, out (int Month, int Day, int? Year) date)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        const System.Globalization.DateTimeStyles Exact = System.Globalization.DateTimeStyles.None;
        if (text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", culture, Exact, out var once))
        {
            date = (once.Month, once.Day, once.Year);
            return true;
        }
        if (text is not null && DateOnly.TryParseExact("2000-" + text, "yyyy-MM-dd", culture, Exact, out var yearly))
        {
            date = (yearly.Month, yearly.Day, null);
            return true;
        }
        date = default;
        return false;
    }

    /// <summary>The holiday's next day on or after <paramref name="today"/>, null when it was a one-off in the past.</summary>
    public DateOnly? Next(DateOnly today)
    {
        if (Year is { } year)
        {
            var once = new DateOnly(year, Month, Day);
            return once >= today ? once : null;
        }
        var day = On(today.Year);
        return day >= today ? day : On(today.Year + 1);
    }

    private DateOnly On(int year) => new(year, Month, Math.Min(Day, DateTime.DaysInMonth(year, Month)));
}

/// <summary>Where the marketing matrices split high from low: value by net-value percentile, individuality by distance to the segment.</summary>
public sealed record MarketingPolicy(double HighValuePercentile, double HighIndividuality);

/// <summary>
/// Before the population is measured there are no percentiles and no tiers A to C: a profitable customer is served as
/// <see cref="ServeAsTier"/> (a loss-maker is D, which needs no population), and counts as high value in the marketing
/// matrices and for retention when the net value reaches <see cref="HighNetValue"/> (no one does when it is null).
/// </summary>
public sealed record UncalibratedPolicy(string ServeAsTier, decimal? HighNetValue)
{
    public static UncalibratedPolicy Default { get; } = new("C", null);
}

/// <summary>
/// The marketing matrices as policy: per marketing mode (value x individuality) and per selection quadrant (value x
/// capability match) what the customer's cell changes in the decision. Both cells of a customer apply.
/// </summary>
public sealed record MatrixPolicy(
    [property: JsonPropertyName("marketing")] ImmutableDictionary<MarketingMode, MatrixCell> Modes,
    [property: JsonPropertyName("selection")] ImmutableDictionary<SelectionQuadrant, MatrixCell> Quadrants)
{
    public static MatrixPolicy None { get; } = new(ImmutableDictionary<MarketingMode, MatrixCell>.Empty, ImmutableDictionary<SelectionQuadrant, MatrixCell>.Empty);
}

/// <summary>
/// What one cell of a matrix does: the action kinds it <see cref="Hold"/>s back (e.g. no care spend on an abandon customer),
/// the most compensation an agent may grant (<see cref="CompensationCap"/>, the policy floor; null for the tier's limit),
/// whether the customer is worth retaining whatever the tier (<see cref="Retain"/>), and whether offers are personalised
/// (<see cref="Personalised"/>: made for this customer's needs rather than a campaign's).
/// </summary>
public sealed record MatrixCell(ImmutableArray<ActionKind> Hold, decimal? CompensationCap, bool Retain, bool Personalised)
{
    public static MatrixCell Neutral { get; } = new([], null, false, false);
}

/// <summary>What the company serves well, and the match score (0..1) from which a customer's needs count as well matched.</summary>
public sealed record CapabilityPolicy(ImmutableArray<string> Categories, ImmutableArray<Channel> Channels, double GoodMatch);

/// <summary>One problem of a policy file: the JSON path (<c>$.tiers.A.serviceLevel</c>) and what is wrong there.</summary>
public sealed record PolicyError(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}

/// <summary>A holiday in the policy document's form, {"name": ..., "date": "12-25"}, the form <see cref="PolicyJson"/> reads.</summary>
internal sealed class HolidayJsonConverter : JsonConverter<Holiday>
{
    public override Holiday Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? name = null, date = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A holiday is an object with a name and a date.");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            if (string.Equals(property, "name", StringComparison.OrdinalIgnoreCase))
            {
                name = reader.GetString();
            }
            else if (string.Equals(property, "date", StringComparison.OrdinalIgnoreCase))
            {
                date = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
        return name is not null && Holiday.TryParseDate(date, out var parsed)
            ? new Holiday(name, parsed.Month, parsed.Day, parsed.Year)
            : throw new JsonException($"A holiday needs a name and a date (MM-dd or yyyy-MM-dd); got '{date}'.");
    }

    public override void Write(Utf8JsonWriter writer, Holiday value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WriteString("date", value.Date);
        writer.WriteEndObject();
    }
}
