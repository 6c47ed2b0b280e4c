using CustomerGrains.Domain.Contacts;

namespace CustomerGrains.Domain.Tests.Contacts;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("+12125550142", "+•••••••0142")]
    [InlineData("(212) 555-0142", "(•••) •••-0142")]
    [InlineData("0142", "0142")]
    [InlineData("12", "12")]
    public void A_phone_keeps_only_its_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, Masking.Phone(phone));

    [Theory]
    [InlineData("anna.schmidt@example.com", "a•••@example.com")]
    [InlineData("a@b.org", "a•••@b.org")]
    [InlineData("not-an-address", "•••")]
    [InlineData("@example.com", "•••")]
    public void An_email_keeps_its_first_letter_and_domain(string email, string masked) =>
        Assert.Equal(masked, Masking.Email(email));
}
