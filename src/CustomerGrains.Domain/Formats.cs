using System.Globalization;

namespace CustomerGrains.Domain;

/// <summary>How figures appear in reasons: invariant, so the same rule reads the same on every silo.</summary>
internal static class Formats
{
    /// <summary>The UTC day as <c>yyyy-MM-dd</c> (what the invariant custom format writes, without parsing a format on every reason).</summary>
    public static string Day(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return string.Create(10, day, static (text, d) =>
        {
            Digits(text[..4], d.Year);
            text[4] = '-';
            Digits(text.Slice(5, 2), d.Month);
            text[7] = '-';
            Digits(text.Slice(8, 2), d.Day);
        });
    }

    public static string Money(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="value"/> as <c>value.ToString(format)</c> writes it, for the formats the reasons use: the custom
    /// formats <c>0</c>, <c>0.0</c>, <c>0.00</c>, <c>0.#</c> and the standard <c>P0</c>. A reason formats a dozen figures,
    /// and the general formatter costs about a tenth of a microsecond each; see <see cref="FixedPoint"/>.
    /// </summary>
    public static FixedPoint Number(double value, string format) => new(value, format);

    /// <summary>Writes <paramref name="value"/> as exactly <c>text.Length</c> decimal digits, zero-padded.</summary>
    private static void Digits(Span<char> text, long value)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            text[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>
    /// A number formatted exactly as <see cref="double.TryFormat(Span{char}, out int, ReadOnlySpan{char}, IFormatProvider?)"/>
    /// formats it with the same format and provider, with a fast path for the common case.
    /// </summary>
    /// <remarks>
    /// <para>The general formatter first converts the double to decimal digits (15 significant digits for a custom format,
    /// the exact value for a standard one) and then rounds half away from zero at the last decimal shown. Rounding the
    /// scaled value v·10^d directly gives the same result whenever its fractional part is not close to one half: the
    /// digit conversion and the scaling move it by far less than the margin kept here (10⁻¹² of its size). Values near
    /// a half, negative values that round to zero (where the sign rule is the formatter's), anything outside
    /// [−10⁹, 10⁹], non-finite values and cultures whose symbols differ from the invariant ones go to the general formatter.</para>
    /// </remarks>
    internal readonly struct FixedPoint : ISpanFormattable
    {
        private const double Limit = 1e9;

        private readonly double value;
        private readonly string format;

        public FixedPoint(double value, string format)
        {
            this.value = value;
            this.format = format;
        }

        public override string ToString() => ToString(null, null);

        public string ToString(string? format, IFormatProvider? formatProvider)
        {
            Span<char> text = stackalloc char[32];
            return TryFormat(text, out var written, default, formatProvider)
                ? new string(text[..written])
                : value.ToString(this.format, formatProvider);
        }

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            var (decimals, optional, percent) = this.format switch
            {
                "0" => (0, false, false),
                "0.0" => (1, false, false),
                "0.00" => (2, false, false),
                "0.#" => (1, true, false),
                "P0" => (0, false, true),
                _ => (-1, false, false),
            };
            if (decimals < 0 || !IsInvariantLike(NumberFormatInfo.GetInstance(provider))
                || !TryFast(destination, out charsWritten, decimals, optional, percent))
            {
                return value.TryFormat(destination, out charsWritten, this.format, provider);
            }
            return true;
        }

        private bool TryFast(Span<char> destination, out int charsWritten, int decimals, bool optional, bool percent)
        {
            charsWritten = 0;
            var magnitude = Math.Abs(value);
            if (!(magnitude <= Limit))
            {
                return false; // NaN, infinities and large values
            }
            var scale = percent ? 100 : decimals == 0 ? 1 : decimals == 1 ? 10 : 100;
            var scaled = magnitude * scale;
            var whole = Math.Floor(scaled);
            var fraction = scaled - whole;
            if (Math.Abs(fraction - 0.5) <= 1e-12 * (scaled + 1))
            {
                return false; // too close to a half to be sure which way the general formatter rounds
            }
            var rounded = (long)whole + (fraction > 0.5 ? 1 : 0);
            var negative = double.IsNegative(value);
            if (negative && (rounded == 0 || percent))
            {
                return false; // the formatter's own rules for a negative zero and for negative percentages
            }
            if (percent && rounded >= 1000)
            {
                return false; // a percentage this large would be written with group separators
            }
            var shown = optional && rounded % 10 == 0 ? 0 : decimals;
            if (shown == 0 && decimals > 0)
            {
                rounded /= 10;
            }
            var unit = shown == 0 ? 1 : shown == 1 ? 10 : 100;
            var integer = rounded / unit;
            var integerDigits = CountDigits(integer);
            var length = (negative ? 1 : 0) + integerDigits + (shown > 0 ? 1 + shown : 0) + (percent ? 2 : 0);
            if (length > destination.Length)
            {
                return false;
            }
            var at = 0;
            if (negative)
            {
                destination[at++] = '-';
            }
            Digits(destination.Slice(at, integerDigits), integer);
            at += integerDigits;
            if (shown > 0)
            {
                destination[at++] = '.';
                Digits(destination.Slice(at, shown), rounded % unit);
                at += shown;
            }
            if (percent)
            {
                destination[at++] = ' ';
                destination[at++] = '%';
            }
            charsWritten = at;
            return true;
        }

        /// <summary>Whether the symbols the fast path writes are the ones this culture's formatter writes too.</summary>
        private static bool IsInvariantLike(NumberFormatInfo info) =>
            ReferenceEquals(info, NumberFormatInfo.InvariantInfo)
            || (info.NumberDecimalSeparator == "." && info.NegativeSign == "-" && info.PercentSymbol == "%" && info.PercentPositivePattern == 0);

        private static int CountDigits(long value)
        {
            var digits = 1;
            while (value >= 10)
            {
                value /= 10;
                digits++;
            }
            return digits;
        }
    }
}
