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

    [Fact]
    public void Amounts_beyond_the_configured_maximum_are_refused_so_totals_cannot_overflow()
    {
        // 7e28 fits a decimal, but two of them do not: such a purchase used to brick the customer's state.
        var errors = Errors(Purchase() with { Amount = 7e28m, Discount = 7e28m, Lines = [new PurchaseLine("books", 1, 7e28m)] });
        Assert.Equal(["amount", "discount", "lines[0].unitPrice"], errors.Select(e => e.Field).Order());
        Assert.All(errors, e => Assert.Contains("at most 1000000000", e.Message, StringComparison.Ordinal));
        Assert.Empty(Errors(Purchase() with { Amount = 1_000_000_000m }));
        var tight = new ValidationOptions { MaxAmount = 100m };
        Assert.Equal("amount", Assert.Single(Errors(Purchase() with { Amount = 101m, Lines = [] }, tight)).Field);
    }

    [Fact]
    public void A_quantity_beyond_the_maximum_is_refused_and_a_return_is_bounded_too()
    {
        var line = Assert.Single(Errors(Purchase() with { Lines = [new PurchaseLine("books", 2_000_000, 1m)] }));
        Assert.Equal("lines[0].quantity", line.Field);
        Assert.Contains("between 1 and 1000000", line.Message, StringComparison.Ordinal);
        var r = new OrderReturned { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", OrderId = "o", Amount = 2e9m };
        Assert.Equal("amount", Assert.Single(Errors(r)).Field);
    }

    [Fact]
    public void Too_long_texts_and_ids_are_refused_with_the_limit_and_the_length()
    {
        var errors = Errors(Purchase() with { EventId = new string('e', 129), Source = new string('s', 300), Lines = [new PurchaseLine(new string('c', 257), 1, 1m)] });
        Assert.Equal(["eventId", "lines[0].category", "source"], errors.Select(e => e.Field).Order());
        Assert.Contains(errors, e => e.Message == "must be at most 128 characters (was 129)");
        var note = new NoteAdded { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", Text = new string('n', 2001) };
        Assert.Equal("text", Assert.Single(Errors(note)).Field);
    }

    [Fact]
    public void Too_many_lines_phones_or_preferences_are_refused_without_checking_each()
    {
        var lines = Errors(Purchase() with { Lines = [.. Enumerable.Repeat(new PurchaseLine("", 0, -1m), 501)] });
        Assert.Equal("lines", Assert.Single(lines).Field);
        var profile = new ProfileChanged
        {
            EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s",
            Phones = [.. Enumerable.Repeat("+1 212 555 0142", 11)],
            Preferences = Enumerable.Range(0, 51).ToImmutableDictionary(i => $"k{i}", i => "v"),
        };
        Assert.Equal(["phones", "preferences"], Errors(profile).Select(e => e.Field).Order());
    }

    [Fact]
    public void A_preference_value_is_bounded_and_a_key_names_the_field_shortened()
    {
        var profile = new ProfileChanged
        {
            EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s",
            Preferences = ImmutableDictionary<string, string>.Empty.Add("drink", new string('v', 257)).Add(new string('k', 65), "x"),
        };
        var errors = Errors(profile);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Field == "preferences.drink" && e.Message.Contains("at most 256", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == $"preferences.{new string('k', 40)}…");
    }

    [Fact]
    public void A_birthday_in_the_future_or_before_1900_is_refused()
    {
        var profile = new ProfileChanged { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", Birthday = new DateOnly(2999, 1, 1) };
        Assert.Contains("future", Assert.Single(Errors(profile)).Message, StringComparison.Ordinal);
        Assert.Equal("birthday", Assert.Single(Errors(profile with { Birthday = new DateOnly(1899, 12, 31) })).Field);
        Assert.Empty(Errors(profile with { Birthday = new DateOnly(1950, 2, 28) }));
        Assert.Empty(Errors(profile with { Birthday = DateOnly.FromDateTime(Now.UtcDateTime) }));
    }

    [Fact]
    public void An_event_before_the_earliest_accepted_time_is_refused()
    {
        var error = Assert.Single(Errors(Purchase() with { OccurredAt = new DateTimeOffset(1969, 12, 31, 23, 0, 0, TimeSpan.Zero) }));
        Assert.Equal("occurredAt", error.Field);
        Assert.Contains("before the earliest accepted time 1970-01-01", error.Message, StringComparison.Ordinal);
        var later = new ValidationOptions { EarliestEventTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        Assert.Equal("occurredAt", Assert.Single(Errors(Purchase() with { OccurredAt = new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero) }, later)).Field);
    }

    [Fact]
    public void Unusual_but_valid_text_is_accepted_while_nul_and_unpaired_surrogates_are_not()
    {
        var note = new NoteAdded { EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s", Text = "\"quoted\" <script>alert(1)</script> \u200F\u202Eevil 😀 tab\tbell\u0007" };
        Assert.Empty(Errors(note));
        Assert.Contains("NUL", Assert.Single(Errors(note with { Text = "a\u0000b" })).Message, StringComparison.Ordinal);
        Assert.Contains("surrogate", Assert.Single(Errors(note with { Text = "a\ud800b" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_survey_score_that_is_not_a_finite_number_is_refused()
    {
        var s = new SurveyAnswered
        {
            EventId = "e", CustomerId = "c", OccurredAt = Now, Source = "s",
            Dimensions = ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty.Add(ExperienceDimension.Price, new SurveyScore(double.NaN, double.PositiveInfinity, 5)),
        };
        Assert.Equal(["dimensions.price.expectation", "dimensions.price.experience"], Errors(s).Select(e => e.Field).Order());
    }

    [Fact]
    public void Validation_options_report_every_impossible_limit_at_once()
    {
        var problems = new ValidationOptions { MaxAmount = 0m, MaxQuantity = 0, MaxLines = 0, EarliestEventTime = DateTimeOffset.MinValue }.Validate();
        Assert.Equal(4, problems.Count);
    }
}
