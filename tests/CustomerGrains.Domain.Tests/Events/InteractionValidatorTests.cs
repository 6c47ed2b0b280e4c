using System.Collections.Immutable;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Tests.Events;

public sealed class InteractionValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static PurchaseMade Purchase() => new()
    {
        EventId = "e1", CustomerId = "c1", OccurredAt = Now.AddDays(-1), Source = "shop",
        OrderId = "o1", Amount = 10m, Currency = "EUR", Lines = [new PurchaseLine("books", 1, 10m)],
    };

    private static List<FieldError> Errors(InteractionEvent e, ValidationOptions? options = null)
    {
        var errors = new List<FieldError>();
        InteractionValidator.Validate(e, 3, Now, options ?? new ValidationOptions(), errors);
        return errors;
    }

    [Fact]
    public void A_well_formed_purchase_has_no_errors() => Assert.Empty(Errors(Purchase()));

    [Fact]
    public void Negative_amounts_and_discounts_are_refused()
    {
        var errors = Errors(Purchase() with { Amount = -1m, Discount = -2m });
        Assert.Equal(["amount", "discount"], errors.Select(e => e.Field).Order());
        Assert.All(errors, e => Assert.Equal(3, e.Index));
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("XYZ")]
    [InlineData("")]
    public void Only_active_iso_4217_codes_are_currencies(string currency) =>
        Assert.Equal("currency", Assert.Single(Errors(Purchase() with { Currency = currency })).Field);

    [Fact]
    public void Bad_order_lines_are_named_by_position()
    {
        var errors = Errors(Purchase() with { Lines = [new PurchaseLine("books", 1, 1m), new PurchaseLine(" ", 0, -1m)] });
        Assert.Equal(["lines[1].category", "lines[1].quantity", "lines[1].unitPrice"], errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void An_event_beyond_the_allowed_clock_skew_is_refused_and_one_within_it_is_not()
    {
        var skew = new ValidationOptions { MaxFutureSkew = TimeSpan.FromMinutes(5) };
        Assert.Empty(Errors(Purchase() with { OccurredAt = Now.AddMinutes(4) }, skew));
        var error = Assert.Single(Errors(Purchase() with { OccurredAt = Now.AddMinutes(6) }, skew));
        Assert.Equal("occurredAt", error.Field);
        Assert.Contains("future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_return_must_refund_something()
    {
        var r = new OrderReturned { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", OrderId = "o", Amount = 0m };
        Assert.Equal("amount", Assert.Single(Errors(r)).Field);
    }

    [Fact]
    public void A_contact_longer_than_a_day_or_negative_is_refused()
    {
        var c = new CustomerContacted { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", Channel = Channel.Phone };
        Assert.Empty(Errors(c with { DurationSeconds = 3600 }));
        Assert.Equal("durationSeconds", Assert.Single(Errors(c with { DurationSeconds = -1 })).Field);
        Assert.Equal("durationSeconds", Assert.Single(Errors(c with { DurationSeconds = 90_000 })).Field);
    }

    [Fact]
    public void Survey_scores_outside_zero_to_ten_are_named_by_dimension()
    {
        var s = new SurveyAnswered
        {
            EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s",
            Dimensions = ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty.Add(ExperienceDimension.Service, new SurveyScore(11, 5, -1)),
            Nps = 12,
        };
        Assert.Equal(["dimensions.service.expectation", "dimensions.service.importance", "nps"], Errors(s).Select(e => e.Field).Order());
    }

    [Fact]
    public void An_empty_survey_is_refused()
    {
        var s = new SurveyAnswered { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s" };
        Assert.Equal("dimensions", Assert.Single(Errors(s)).Field);
    }

    [Fact]
    public void A_profile_change_must_change_something_and_have_plausible_contact_data()
    {
        var empty = new ProfileChanged { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s" };
        Assert.Single(Errors(empty));
        var bad = empty with { Email = "not-an-address", Phones = ["+44 20 7946 0000", "ab"] };
        Assert.Equal(["email", "phones[1]"], Errors(bad).Select(e => e.Field).Order());
    }

    [Fact]
    public void A_phone_must_be_a_number_of_the_default_region_or_international()
    {
        var change = new ProfileChanged { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", Phones = ["030 1234567", "555"] };
        var error = Assert.Single(Errors(change));
        Assert.Equal("phones[1]", error.Field);
        Assert.Contains("'555' is too short", error.Message, StringComparison.Ordinal);
        // The same national number is a German one when the region says so.
        Assert.Empty(Errors(change with { Phones = ["030 1234567"] }, new ValidationOptions { Phones = new Domain.Contacts.PhoneNumberNormalizer("DE") }));
    }

    [Fact]
    public void A_note_needs_text()
    {
        var note = new NoteAdded { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", Text = "  " };
        Assert.Equal("text", Assert.Single(Errors(note)).Field);
    }

    [Fact]
    public void Ids_with_control_characters_are_refused()
    {
        Assert.Equal("customerId", Assert.Single(Errors(Purchase() with { CustomerId = "c\u00001" })).Field);
    }

    [Fact]
    public void Validation_options_report_an_impossible_skew()
    {
        Assert.NotEmpty(new ValidationOptions { MaxFutureSkew = TimeSpan.FromMinutes(-1) }.Validate());
        Assert.Empty(new ValidationOptions().Validate());
    }
}
