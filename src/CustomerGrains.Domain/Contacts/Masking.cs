namespace CustomerGrains.Domain.Contacts;

/// <summary>
/// Masks contact data for people who may serve the customer but need not see it whole: a phone number keeps
/// its last digits (enough to confirm "the number ending 5678"), an e-mail address its first letter and domain.
/// </summary>
public static class Masking
{
    /// <summary>How many trailing digits of a phone number stay visible.</summary>
    public const int VisiblePhoneDigits = 4;

    private const char Hidden = '•';

    /// <summary>Every digit but the last <see cref="VisiblePhoneDigits"/> replaced; the rest of the layout kept.</summary>
    public static string Phone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = phone.Count(char.IsAsciiDigit);
        var toHide = Math.Max(0, digits - VisiblePhoneDigits);
        var chars = phone.ToCharArray();
        for (var i = 0; i < chars.Length && toHide > 0; i++)
        {
            if (char.IsAsciiDigit(chars[i]))
            {
                chars[i] = Hidden;
                toHide--;
            }
        }
        return new string(chars);
    }

    /// <summary>The local part reduced to its first character; the domain kept. Text without '@' is hidden whole.</summary>
    public static string Email(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        return at <= 0 ? new string(Hidden, 3) : $"{email[0]}{new string(Hidden, 3)}{email[at..]}";
    }
}
