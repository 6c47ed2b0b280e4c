namespace CustomerGrains.Domain.Events;

/// <summary>Options of event validation.</summary>
public sealed record ValidationOptions
{
    /// <summary>How far in the future (against the receiving clock) an event's time may lie. Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Reads the phone numbers of profile changes; every phone must normalise to E.164. Default region US.</summary>
    public Contacts.PhoneNumberNormalizer Phones { get; init; } = DefaultPhones;

    private static readonly Contacts.PhoneNumberNormalizer DefaultPhones = new("US");

    /// <summary>Every problem of these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() =>
        MaxFutureSkew < TimeSpan.Zero || MaxFutureSkew > TimeSpan.FromDays(1)
            ? [$"{nameof(MaxFutureSkew)} must be between 0 and 1 day (was {MaxFutureSkew})"]
            : [];
}

/// <summary>
/// The business rules an event must satisfy before it is accepted into the log: amounts not negative,
/// ISO currency codes, scores on their scales, and no event time beyond the allowed clock skew.
/// </summary>
public static class InteractionValidator
{
    private const double MinScore = 0, MaxScore = 10;

    /// <summary>Adds one error per rule the event breaks to <paramref name="errors"/>; returns whether it had none.</summary>
    public static bool Validate(InteractionEvent e, int index, DateTimeOffset now, ValidationOptions options, List<FieldError> errors)
    {
        var before = errors.Count;
        void Fail(string field, string message) => errors.Add(new FieldError(index, field, message));

        if (e.OccurredAt > now + options.MaxFutureSkew)
        {
            Fail("occurredAt", $"lies in the future ({e.OccurredAt:O} is after now {now:O} plus the allowed skew of {options.MaxFutureSkew})");
        }
        if (string.IsNullOrWhiteSpace(e.Source))
        {
            Fail("source", "must not be empty");
        }
        CheckId(e.EventId, "eventId", Fail);
        CheckId(e.CustomerId, "customerId", Fail);

        switch (e)
        {
            case PurchaseMade p:
                CheckId(p.OrderId, "orderId", Fail);
                NotNegative(p.Amount, "amount", Fail);
                NotNegative(p.Discount, "discount", Fail);
                if (!CurrencyCodes.IsValid(p.Currency))
                {
                    Fail("currency", $"'{p.Currency}' is not an ISO 4217 currency code (three capital letters, e.g. EUR)");
                }
                for (var i = 0; i < p.Lines.Length; i++)
                {
                    var line = p.Lines[i];
                    if (string.IsNullOrWhiteSpace(line.Category))
                    {
                        Fail($"lines[{i}].category", "must not be empty");
                    }
                    if (line.Quantity <= 0)
                    {
                        Fail($"lines[{i}].quantity", "must be at least 1");
                    }
                    NotNegative(line.UnitPrice, $"lines[{i}].unitPrice", Fail);
                }
                break;
            case OrderReturned r:
                CheckId(r.OrderId, "orderId", Fail);
                if (r.Amount <= 0)
                {
                    Fail("amount", "must be greater than zero");
                }
                break;
            case CustomerContacted c:
                if (c.DurationSeconds is < 0 or > 86_400)
                {
                    Fail("durationSeconds", "must be between 0 and 86400");
                }
                break;
            case ComplaintOpened o:
                CheckId(o.ComplaintId, "complaintId", Fail);
                break;
            case ComplaintResolved s:
                CheckId(s.ComplaintId, "complaintId", Fail);
                break;
            case SurveyAnswered s:
                if (s.Dimensions.IsEmpty && s.Nps is null)
                {
                    Fail("dimensions", "a survey needs at least one dimension or an nps");
                }
                foreach (var (dimension, score) in s.Dimensions)
                {
                    var name = EnumNames.Of(dimension);
                    OnScale(score.Expectation, $"dimensions.{name}.expectation", Fail);
                    OnScale(score.Experience, $"dimensions.{name}.experience", Fail);
                    OnScale(score.Importance, $"dimensions.{name}.importance", Fail);
                }
                if (s.Nps is { } nps)
                {
                    OnScale(nps, "nps", Fail);
                }
                break;
            case ProfileChanged pc:
                ValidateProfile(pc, options.Phones, Fail);
                break;
            case NoteAdded n:
                if (string.IsNullOrWhiteSpace(n.Text))
                {
                    Fail("text", "must not be empty");
                }
                break;
        }
        return errors.Count == before;
    }

    private static void ValidateProfile(ProfileChanged pc, Contacts.PhoneNumberNormalizer phoneNumbers, Action<string, string> fail)
    {
        if (pc.Name is null && pc.Phones is null && pc.Email is null && pc.Birthday is null
            && pc.Consents is null && pc.Preferences is null)
        {
            fail("", "a profile change must change at least one of name, phones, email, birthday, consents, preferences");
        }
        if (pc.Email is { Length: > 0 } email && (email.IndexOf('@', StringComparison.Ordinal) <= 0 || email.EndsWith('@')))
        {
            fail("email", $"'{email}' is not an e-mail address");
        }
        if (pc.Phones is { } phones)
        {
            for (var i = 0; i < phones.Length; i++)
            {
                if (phoneNumbers.Normalize(phones[i]).Error is { } error)
                {
                    fail($"phones[{i}]", $"'{phones[i]}' {error}");
                }
            }
        }
        foreach (var key in pc.Preferences?.Keys ?? [])
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > 64)
            {
                fail($"preferences.{key}", "a preference key must be 1 to 64 characters");
            }
        }
    }

    private static void CheckId(string id, string field, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            fail(field, "must not be empty");
        }
        else if (id.Any(char.IsControl))
        {
            fail(field, "must not contain control characters");
        }
    }

    private static void NotNegative(decimal value, string field, Action<string, string> fail)
    {
        if (value < 0)
        {
            fail(field, "must not be negative");
        }
    }

    private static void OnScale(double value, string field, Action<string, string> fail)
    {
        if (value is < MinScore or > MaxScore)
        {
            fail(field, $"must be between {MinScore} and {MaxScore}");
        }
    }
}
