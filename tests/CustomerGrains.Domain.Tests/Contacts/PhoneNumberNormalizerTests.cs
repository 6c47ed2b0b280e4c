using CustomerGrains.Domain.Contacts;

namespace CustomerGrains.Domain.Tests.Contacts;

public sealed class PhoneNumberNormalizerTests
{
    private static readonly PhoneNumberNormalizer Us = new("US");
    private static readonly PhoneNumberNormalizer De = new("DE");

    [Theory]
    [InlineData("+1 212 555 0142")]
    [InlineData("+12125550142")]
    [InlineData("(212) 555-0142")]
    [InlineData("212.555.0142")]
    [InlineData("212/555 0142")]
    [InlineData("1-212-555-0142")]
    [InlineData("011 1 212 555 0142")]
    [InlineData(" tel:+1-212-555-0142 ")]
    public void Every_common_way_of_writing_a_US_number_is_the_same_E164(string input) =>
        Assert.Equal("+12125550142", Us.Normalize(input).E164);

    [Theory]
    [InlineData("030 1234567")]
    [InlineData("+49 30 1234567")]
    [InlineData("0049 30 1234567")]
    [InlineData("+49 (0)30 1234567")]
    public void National_and_international_German_formats_agree(string input) =>
        Assert.Equal("+49301234567", De.Normalize(input).E164);

    [Fact]
    public void The_default_region_decides_what_a_national_number_means()
    {
        Assert.Equal("+12125550142", Us.Normalize("2125550142").E164);
        Assert.Equal("+492125550142", De.Normalize("02125550142").E164);
    }

    [Theory]
    [InlineData("1-800-FLOWERS", "contains the letter 'F'")]
    [InlineData("212 555 O142", "contains the letter 'O'")]
    [InlineData("212#555", "contains '#'")]
    [InlineData("12", "too short")]
    [InlineData("+1 212 555 0142 9999 12", "too long")]
    [InlineData("+999 1234567", "country code")]
    [InlineData("   ", "is empty")]
    [InlineData("+-", "has no digits")]
    [InlineData("212+5550142", "'+' that is not at the start")]
    public void Bad_numbers_say_why(string input, string reason)
    {
        var parse = Us.Normalize(input);
        Assert.False(parse.Ok);
        Assert.Null(parse.E164);
        Assert.Contains(reason, parse.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_input_is_refused_before_parsing() =>
        Assert.Contains("at most 40", Us.Normalize(new string('1', 41)).Error, StringComparison.Ordinal);

    [Fact]
    public void An_unknown_default_region_is_refused_with_the_reason()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PhoneNumberNormalizer("XX"));
        Assert.Contains("'XX'", ex.Message, StringComparison.Ordinal);
        Assert.True(PhoneNumberNormalizer.IsSupportedRegion("gb"));
        Assert.False(PhoneNumberNormalizer.IsSupportedRegion(null));
    }
}
