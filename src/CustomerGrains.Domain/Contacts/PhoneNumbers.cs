using PhoneNumbers;

namespace CustomerGrains.Domain.Contacts;

/// <summary>The outcome of normalising a phone number: the E.164 form, or why there is none.</summary>
public readonly record struct PhoneParse(string? E164, string? Error)
{
    public bool Ok => E164 is not null;
}

/// <summary>
/// Normalises phone numbers as people and telephony systems write them (national or international format,
/// spaces, dashes, dots, brackets, a <c>tel:</c> prefix, the <c>00</c> or other international prefix of the
/// default region) to E.164 (<c>+4915112345678</c>), with libphonenumber. A number is accepted when its length
/// is possible for its country; number ranges are not checked, so numbers of new or private ranges still match.
/// Letters are refused rather than read as a keypad word: an ANI never contains them, and a typo should not
/// silently become another number.
/// </summary>
public sealed class PhoneNumberNormalizer
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private const int MaxInputLength = 40;

    /// <param name="defaultRegion">The ISO 3166 region (e.g. DE, US, GB) national numbers belong to.</param>
    public PhoneNumberNormalizer(string defaultRegion)
    {
        if (!IsSupportedRegion(defaultRegion))
        {
            throw new ArgumentException($"'{defaultRegion}' is not a region libphonenumber knows; use an ISO 3166 code such as DE, US or GB.", nameof(defaultRegion));
        }
        DefaultRegion = defaultRegion.ToUpperInvariant();
    }

    public string DefaultRegion { get; }

    /// <summary>Whether <paramref name="region"/> is an ISO 3166 region code with phone metadata.</summary>
    public static bool IsSupportedRegion(string? region) =>
        !string.IsNullOrWhiteSpace(region) && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    /// <summary>The E.164 form of <paramref name="input"/>, or the reason it is not a phone number.</summary>
    public PhoneParse Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return Fail("is empty");
        }
        var text = input.Trim();
        if (text.Length > MaxInputLength)
        {
            return Fail($"is {text.Length} characters long; a phone number has at most {MaxInputLength}");
        }
        if (text.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[4..];
        }
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return Fail($"contains the letter '{c}'; a phone number has only digits, spaces and + ( ) - . /");
            }
            if (!char.IsAsciiDigit(c) && c is not (' ' or '+' or '(' or ')' or '-' or '.' or '/' or '\u00A0'))
            {
                return Fail($"contains '{c}'; a phone number has only digits, spaces and + ( ) - . /");
            }
        }
        if (text.LastIndexOf('+') > 0)
        {
            return Fail("has a '+' that is not at the start");
        }
        if (!text.Any(char.IsAsciiDigit))
        {
            return Fail("has no digits");
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(text, DefaultRegion);
        }
        catch (NumberParseException ex)
        {
            return Fail(ex.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => "has no valid country code (write international numbers with + or 00 and the country code)",
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => "is too short to be a phone number",
                ErrorType.TOO_LONG => "is too long to be a phone number",
                _ => "is not a phone number",
            });
        }
        return Util.IsPossibleNumberWithReason(number) switch
        {
            PhoneNumberUtil.ValidationResult.IS_POSSIBLE or PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY =>
                new PhoneParse(Util.Format(number, PhoneNumberFormat.E164), null),
            PhoneNumberUtil.ValidationResult.TOO_SHORT => Fail($"is too short for a number of {RegionOf(number)}"),
            PhoneNumberUtil.ValidationResult.TOO_LONG => Fail($"is too long for a number of {RegionOf(number)}"),
            PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => Fail($"has an unknown country code +{number.CountryCode}"),
            _ => Fail($"has a length no number of {RegionOf(number)} has"),
        };
    }

    /// <summary>The region (ISO 3166 code) a phone number belongs to, null when it is not a phone number or has no single region.</summary>
    public string? Region(string? input)
    {
        if (Normalize(input).E164 is not { } e164)
        {
            return null;
        }
        var number = Util.Parse(e164, DefaultRegion);
        var region = Util.GetRegionCodeForNumber(number) ?? Util.GetRegionCodeForCountryCode(number.CountryCode);
        return region is null or "ZZ" or "001" ? null : region;
    }

    private static string RegionOf(PhoneNumber number) =>
        Util.GetRegionCodeForCountryCode(number.CountryCode) is { } region && region != "ZZ"
            ? $"{region} (+{number.CountryCode})"
            : $"country code +{number.CountryCode}";

    private static PhoneParse Fail(string reason) => new(null, reason);
}
