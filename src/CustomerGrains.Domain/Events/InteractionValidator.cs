namespace CustomerGrains.Domain.Events;

/// <summary>
/// Options of event validation: the limits every event must keep. The defaults are generous for real data and small
/// enough that no accepted event can overflow a customer's totals or bloat the log.
/// </summary>
public sealed record ValidationOptions
{
    /// <summary>How far in the future (against the receiving clock) an event's time may lie. Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The earliest event time accepted. Default 1970-01-01.</summary>
    public DateTimeOffset EarliestEventTime { get; init; } = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The largest amount, discount or unit price of one event. Default 1e9.</summary>
    public decimal MaxAmount { get; init; } = 1_000_000_000m;

    /// <summary>The largest quantity of one order line. Default 1e6.</summary>
    public int MaxQuantity { get; init; } = 1_000_000;

    /// <summary>The earliest birthday accepted (a birthday may not lie in the future either). Default 1900-01-01.</summary>
    public DateOnly EarliestBirthday { get; init; } = new(1900, 1, 1);

    /// <summary>The longest id (event, customer, order, complaint, agent). Default 128 characters.</summary>
    public int MaxIdLength { get; init; } = 128;

    /// <summary>The longest short text (source, name, e-mail, category, preference value). Default 256 characters.</summary>
    public int MaxShortTextLength { get; init; } = 256;

    /// <summary>The longest free text (a note, a reason). Default 2000 characters.</summary>
    public int MaxTextLength { get; init; } = 2000;

    /// <summary>The longest preference key. Default 64 characters.</summary>
    public int MaxPreferenceKeyLength { get; init; } = 64;

    /// <summary>The most phones of one profile change. Default 10.</summary>
    public int MaxPhones { get; init; } = 10;

    /// <summary>The most lines of one order. Default 500.</summary>
    public int MaxLines { get; init; } = 500;

    /// <summary>The most preferences of one profile change. Default 50.</summary>
    public int MaxPreferences { get; init; } = 50;

    /// <summary>Reads the phone numbers of profile changes; every phone must normalise to E.164. Default region US.</summary>
    public Contacts.PhoneNumberNormalizer Phones { get; init; } = DefaultPhones;

    private static readonly Contacts.PhoneNumberNormalizer DefaultPhones = new("US");

    /// <summary>The base currency and the exchange rates into it; an amount in a currency without a rate at its time is refused. Default: EUR only.</summary>
    public CurrencyRates Rates { get; init; } = CurrencyRates.Euro;

    /// <summary>Every problem of these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxFutureSkew < TimeSpan.Zero || MaxFutureSkew > TimeSpan.FromDays(1))
        {
            problems.Add($"{nameof(MaxFutureSkew)} must be between 0 and 1 day (was {MaxFutureSkew})");
        }
        if (MaxAmount is <= 0 or > 1_000_000_000_000m)
        {
            problems.Add($"{nameof(MaxAmount)} must be greater than 0 and at most 1e12 (was {MaxAmount})");
        }
        if (MaxQuantity is < 1 or > 1_000_000_000)
        {
            problems.Add($"{nameof(MaxQuantity)} must be between 1 and 1e9 (was {MaxQuantity})");
        }
        if (EarliestEventTime.Year < 1900)
        {
            problems.Add($"{nameof(EarliestEventTime)} must not lie before 1900 (was {EarliestEventTime:O})");
        }
        foreach (var (name, value) in new[]
        {
            (nameof(MaxIdLength), MaxIdLength), (nameof(MaxShortTextLength), MaxShortTextLength), (nameof(MaxTextLength), MaxTextLength),
            (nameof(MaxPreferenceKeyLength), MaxPreferenceKeyLength), (nameof(MaxPhones), MaxPhones), (nameof(MaxLines), MaxLines),
            (nameof(MaxPreferences), MaxPreferences),
        })
        {
            if (value is < 1 or > 100_000)
            {
                problems.Add($"{name} must be between 1 and 100000 (was {value})");
            }
        }
        problems.AddRange(Rates.Validate());
        return problems;
    }
}

/// <summary>
/// The business rules an event must satisfy before it is accepted into the log: amounts not negative and within
/// the configured maximum, ISO currency codes, scores on their scales, texts and lists within their limits, and
/// times between the earliest accepted time and now plus the allowed clock skew. Every problem is reported with
/// the event's index and the field's path, so a caller can fix a whole batch at once.
/// </summary>
public static class InteractionValidator
{
    /// <summary>The lowest score of a survey's scales (nps, expectation, experience, importance).</summary>
    public const double MinScore = 0;

    /// <summary>The highest score of a survey's scales.</summary>
    public const double MaxScore = 10;

    /// <summary>The longest contact, in seconds (one day).</summary>
    public const int MaxContactSeconds = 86_400;

    /// <summary>The longest minimum term of a subscription, in months (ten years).</summary>
    public const int MaxContractMonths = 120;

    /// <summary>Adds one error per rule the event breaks to <paramref name="errors"/>; returns whether it had none.</summary>
    public static bool Validate(InteractionEvent e, int index, DateTimeOffset now, ValidationOptions options, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var check = new Checker(index, options, errors);

        if (e.OccurredAt > now + options.MaxFutureSkew)
        {
            check.Fail("occurredAt", $"lies in the future ({e.OccurredAt:O} is after now {now:O} plus the allowed skew of {options.MaxFutureSkew})");
        }
        else if (e.OccurredAt < options.EarliestEventTime)
        {
            check.Fail("occurredAt", $"lies too far in the past ({e.OccurredAt:O} is before the earliest accepted time {options.EarliestEventTime:O})");
        }
        check.Text(e.Source, "source", options.MaxShortTextLength, required: true);
        check.Id(e.EventId, "eventId");
        check.Id(e.CustomerId, "customerId");

        switch (e)
        {
            case PurchaseMade p:
                check.Id(p.OrderId, "orderId");
                check.Amount(p.Amount, "amount", mustBePositive: false);
                check.Amount(p.Discount, "discount", mustBePositive: false);
                check.Currency(p.Currency, e.OccurredAt);
                check.Text(p.Reason, "reason", options.MaxTextLength);
                if (check.Count(p.Lines.Length, "lines", options.MaxLines))
                {
                    for (var i = 0; i < p.Lines.Length; i++)
                    {
                        var line = p.Lines[i];
                        check.Text(line.Category, $"lines[{i}].category", options.MaxShortTextLength, required: true);
                        if (line.Quantity < 1 || line.Quantity > options.MaxQuantity)
                        {
                            check.Fail($"lines[{i}].quantity", $"must be between 1 and {options.MaxQuantity} (was {line.Quantity})");
                        }
                        check.Amount(line.UnitPrice, $"lines[{i}].unitPrice", mustBePositive: false);
                    }
                }
                break;
            case OrderReturned r:
                check.Id(r.OrderId, "orderId");
                check.Amount(r.Amount, "amount", mustBePositive: true);
                if (r.Currency is not null)
                {
                    check.Currency(r.Currency, e.OccurredAt);
                }
                check.Text(r.Reason, "reason", options.MaxTextLength);
                break;
            case CustomerContacted c:
                if (c.DurationSeconds is < 0 or > MaxContactSeconds)
                {
                    check.Fail("durationSeconds", $"must be between 0 and {MaxContactSeconds} (was {c.DurationSeconds})");
                }
                check.Text(c.Reason, "reason", options.MaxTextLength);
                check.Id(c.AgentId, "agentId", required: false);
                break;
            case ComplaintOpened o:
                check.Id(o.ComplaintId, "complaintId");
                check.Text(o.Category, "category", options.MaxShortTextLength);
                break;
            case ComplaintResolved s:
                check.Id(s.ComplaintId, "complaintId");
                break;
            case SurveyAnswered s:
                ValidateSurvey(s, check);
                break;
            case EngagementRecorded g:
                check.Text(g.Category, "category", options.MaxShortTextLength);
                break;
            case ProfileChanged pc:
                ValidateProfile(pc, now, options, check);
                break;
            case CustomerCancelled x:
                check.Text(x.Reason, "reason", options.MaxTextLength);
                break;
            case NoteAdded n:
                check.Text(n.Text, "text", options.MaxTextLength, required: true);
                check.Id(n.AgentId, "agentId", required: false);
                break;
            case OfferRecorded o:
                check.Id(o.OfferId, "offerId");
                check.Text(o.Action, "action", options.MaxShortTextLength, required: true);
                check.Amount(o.Spend, "spend", mustBePositive: false);
                if (o.Spend > 0 && o.Outcome != OfferOutcome.Accepted)
                {
                    check.Fail("spend", $"must be 0 for an offer {EnumNames.Of(o.Outcome)}: only an accepted offer spends its budget");
                }
                break;
            case SubscriptionStarted ss:
                check.Id(ss.SubscriptionId, "subscriptionId");
                check.Text(ss.Plan, "plan", options.MaxShortTextLength, required: true);
                check.Amount(ss.MonthlyCharge, "monthlyCharge", mustBePositive: false);
                if (ss.Currency is not null)
                {
                    check.Currency(ss.Currency, e.OccurredAt);
                }
                if (ss.ContractMonths is < 1 or > MaxContractMonths)
                {
                    check.Fail("contractMonths", $"must be between 1 (month-to-month) and {MaxContractMonths} (was {ss.ContractMonths})");
                }
                break;
            case SubscriptionCancelled sc:
                check.Id(sc.SubscriptionId, "subscriptionId");
                check.Text(sc.Reason, "reason", options.MaxTextLength);
                break;
        }
        return errors.Count == before;
    }

    private static void ValidateSurvey(SurveyAnswered s, Checker check)
    {
        if (s.Dimensions.IsEmpty && s.Nps is null)
        {
            check.Fail("dimensions", "a survey needs at least one dimension or an nps");
        }
        foreach (var (dimension, score) in s.Dimensions)
        {
            var name = EnumNames.Of(dimension);
            check.OnScale(score.Expectation, $"dimensions.{name}.expectation");
            check.OnScale(score.Experience, $"dimensions.{name}.experience");
            check.OnScale(score.Importance, $"dimensions.{name}.importance");
        }
        if (s.Nps is { } nps)
        {
            check.OnScale(nps, "nps");
        }
    }

    private static void ValidateProfile(ProfileChanged pc, DateTimeOffset now, ValidationOptions options, Checker check)
    {
        if (pc.Name is null && pc.Phones is null && pc.Email is null && pc.Birthday is null
            && pc.Consents is null && pc.ConsentsByPurpose is null && pc.Preferences is null && pc.TimeZone is null)
        {
            check.Fail("", "a profile change must change at least one of name, phones, email, birthday, consents, consentsByPurpose, preferences, timeZone");
        }
        if (pc.TimeZone is { } zone && check.Text(zone, "timeZone", options.MaxShortTextLength, required: true) && !TimeZones.IsKnown(zone))
        {
            check.Fail("timeZone", $"'{Shorten(zone)}' is not a time zone this service knows; use an IANA id such as Europe/Berlin or America/New_York");
        }
        check.Text(pc.Name, "name", options.MaxShortTextLength);
        if (check.Text(pc.Email, "email", options.MaxShortTextLength) && pc.Email is { Length: > 0 } email
            && (email.IndexOf('@', StringComparison.Ordinal) <= 0 || email.EndsWith('@')))
        {
            check.Fail("email", $"'{email}' is not an e-mail address");
        }
        if (pc.Birthday is { } birthday)
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            if (birthday > today)
            {
                check.Fail("birthday", $"lies in the future ({birthday:yyyy-MM-dd} is after today, {today:yyyy-MM-dd})");
            }
            else if (birthday < options.EarliestBirthday)
            {
                check.Fail("birthday", $"lies too far in the past ({birthday:yyyy-MM-dd} is before {options.EarliestBirthday:yyyy-MM-dd})");
            }
        }
        if (pc.Phones is { } phones && check.Count(phones.Length, "phones", options.MaxPhones))
        {
            for (var i = 0; i < phones.Length; i++)
            {
                if (options.Phones.Normalize(phones[i]).Error is { } error)
                {
                    check.Fail($"phones[{i}]", $"'{Shorten(phones[i])}' {error}");
                }
            }
        }
        if (pc.Preferences is { } preferences && check.Count(preferences.Count, "preferences", options.MaxPreferences))
        {
            foreach (var (key, value) in preferences)
            {
                var field = $"preferences.{Shorten(key)}";
                if (string.IsNullOrWhiteSpace(key) || key.Length > options.MaxPreferenceKeyLength)
                {
                    check.Fail(field, $"a preference key must be 1 to {options.MaxPreferenceKeyLength} characters");
                }
                else
                {
                    check.Text(key, field, options.MaxPreferenceKeyLength);
                }
                check.Text(value, field, options.MaxShortTextLength);
            }
        }
    }

    /// <summary>A value quoted in a message: long ones are cut, so an error never echoes a huge input.</summary>
    private static string Shorten(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");

    /// <summary>The checks of one event, each adding an error named by the event's index and the field.</summary>
    private readonly struct Checker(int index, ValidationOptions options, List<FieldError> errors)
    {
        public void Fail(string field, string message) => errors.Add(new FieldError(index, field, message));

        /// <summary>An id: not empty, no control characters, not longer than the limit.</summary>
        public void Id(string? id, string field, bool required = true)
        {
            if (id is null && !required)
            {
                return;
            }
            if (string.IsNullOrWhiteSpace(id))
            {
                Fail(field, "must not be empty");
            }
            else if (id.Length > options.MaxIdLength)
            {
                Fail(field, $"must be at most {options.MaxIdLength} characters (was {id.Length})");
            }
            else if (id.Any(char.IsControl))
            {
                Fail(field, "must not contain control characters");
            }
            else if (!IsWellFormed(id))
            {
                Fail(field, "is not well-formed Unicode text (it has an unpaired surrogate)");
            }
        }

        /// <summary>A text: within the limit, no NUL character, well-formed Unicode; returns whether it passed.</summary>
        public bool Text(string? text, string field, int maxLength, bool required = false)
        {
            if (text is null || (text.Length == 0 && !required))
            {
                if (required)
                {
                    Fail(field, "must not be empty");
                }
                return !required;
            }
            if (required && string.IsNullOrWhiteSpace(text))
            {
                Fail(field, "must not be empty");
            }
            else if (text.Length > maxLength)
            {
                Fail(field, $"must be at most {maxLength} characters (was {text.Length})");
            }
            else if (text.Contains('\0', StringComparison.Ordinal))
            {
                Fail(field, "must not contain the NUL character (\\u0000)");
            }
            else if (!IsWellFormed(text))
            {
                Fail(field, "is not well-formed Unicode text (it has an unpaired surrogate)");
            }
            else
            {
                return true;
            }
            return false;
        }

        /// <summary>A list's length within its limit; returns whether it is (its items are only checked then).</summary>
        public bool Count(int count, string field, int max)
        {
            if (count <= max)
            {
                return true;
            }
            Fail(field, $"may hold at most {max} items (has {count})");
            return false;
        }

        public void Amount(decimal value, string field, bool mustBePositive)
        {
            if (mustBePositive && value <= 0)
            {
                Fail(field, "must be greater than zero");
            }
            else if (value < 0)
            {
                Fail(field, "must not be negative");
            }
            else if (value > options.MaxAmount)
            {
                Fail(field, $"must be at most {options.MaxAmount} (was {value})");
            }
        }

        /// <summary>An ISO 4217 code with a known rate into the base currency at the event's time: never summed as if it were the base.</summary>
        public void Currency(string currency, DateTimeOffset at)
        {
            if (!CurrencyCodes.IsValid(currency))
            {
                Fail("currency", $"'{Shorten(currency)}' is not an ISO 4217 currency code (three capital letters, e.g. EUR)");
            }
            else if (options.Rates.Unconvertible(currency, at) is { } why)
            {
                Fail("currency", why);
            }
        }

        public void OnScale(double value, string field)
        {
            if (!double.IsFinite(value) || value is < MinScore or > MaxScore)
            {
                Fail(field, $"must be between {MinScore} and {MaxScore}");
            }
        }

        private static bool IsWellFormed(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
