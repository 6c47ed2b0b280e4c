using System.Text.Json;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Tests.Events;

public sealed class InteractionJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    /// <summary>The default limits, with pounds convertible (the round trip buys in GBP).</summary>
    private static readonly ValidationOptions Rules = new()
    {
        Rates = new CurrencyRates("EUR", new Dictionary<string, IReadOnlyDictionary<DateOnly, decimal>>
        {
            ["GBP"] = new Dictionary<DateOnly, decimal> { [new DateOnly(2000, 1, 1)] = 1.15m },
        }),
    };

    private static BatchParseResult Parse(string eventsJson) =>
        InteractionJson.ParseBatch(JsonDocument.Parse($"{{\"events\":[{eventsJson}]}}").RootElement, Now, Rules);

    private static InteractionEvent Single(string eventJson)
    {
        var result = Parse(eventJson);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return Assert.Single(result.Events);
    }

    private const string Head = "\"eventId\":\"e1\",\"customerId\":\"c1\",\"occurredAt\":\"2026-11-01T10:00:00Z\",\"source\":\"shop\"";

    [Fact]
    public void The_example_purchase_of_the_issue_reads_with_every_field()
    {
        var e = Assert.IsType<PurchaseMade>(Single(
            $"{{{Head},\"type\":\"purchase\",\"orderId\":\"o1\",\"amount\":120.5,\"currency\":\"EUR\"," +
            "\"lines\":[{\"category\":\"books\",\"quantity\":1,\"unitPrice\":120.5}],\"discount\":0,\"paymentMethod\":\"card\",\"channel\":\"web\"}"));
        Assert.Equal("e1", e.EventId);
        Assert.Equal("c1", e.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), e.OccurredAt);
        Assert.Equal(120.5m, e.Amount);
        Assert.Equal("EUR", e.Currency);
        Assert.Equal(new PurchaseLine("books", 1, 120.5m), Assert.Single(e.Lines));
        Assert.Equal(PaymentMethod.Card, e.PaymentMethod);
        Assert.Equal(Channel.Web, e.Channel);
    }

    [Theory]
    [InlineData("\"type\":\"return\",\"orderId\":\"o1\",\"amount\":20,\"reason\":\"too small\"", typeof(OrderReturned))]
    [InlineData("\"type\":\"contact\",\"channel\":\"phone\",\"reason\":\"billing\",\"durationSeconds\":240,\"agentId\":\"a7\",\"emotion\":\"angry\"", typeof(CustomerContacted))]
    [InlineData("\"type\":\"complaintOpened\",\"complaintId\":\"k1\",\"severity\":\"high\",\"category\":\"delivery\"", typeof(ComplaintOpened))]
    [InlineData("\"type\":\"complaintResolved\",\"complaintId\":\"k1\",\"satisfied\":true", typeof(ComplaintResolved))]
    [InlineData("\"type\":\"survey\",\"dimensions\":{\"service\":{\"expectation\":8,\"experience\":5,\"importance\":9}},\"nps\":6", typeof(SurveyAnswered))]
    [InlineData("\"type\":\"engagement\",\"kind\":\"web_visit\",\"category\":\"garden\"", typeof(EngagementRecorded))]
    [InlineData("\"type\":\"profileChanged\",\"name\":\"Ada\",\"phones\":[\"+44 20 7946 0000\"],\"email\":\"ada@example.com\",\"birthday\":\"1990-12-10\",\"consents\":{\"email\":true,\"sms\":false},\"preferences\":{\"drink\":\"carrot juice\"}", typeof(ProfileChanged))]
    [InlineData("\"type\":\"cancellation\",\"reason\":\"moved abroad\"", typeof(CustomerCancelled))]
    [InlineData("\"type\":\"note\",\"text\":\"prefers mornings\",\"agentId\":\"a7\"", typeof(NoteAdded))]
    public void Every_event_type_reads_from_its_flat_json_form(string body, Type expected)
    {
        var e = Single($"{{{Head},{body}}}");
        Assert.IsType(expected, e);
    }

    [Theory]
    [InlineData("secretlyPleased")]
    [InlineData("secretly_pleased")]
    public void The_sixth_emotional_type_is_secretly_pleased_on_the_wire_and_a_resolution_may_say_it_compensated(string wire)
    {
        var contact = Assert.IsType<CustomerContacted>(Single($"{{{Head},\"type\":\"contact\",\"channel\":\"phone\",\"emotion\":\"{wire}\"}}"));
        var resolved = Assert.IsType<ComplaintResolved>(Single($"{{{Head},\"type\":\"complaintResolved\",\"complaintId\":\"k1\",\"compensated\":true}}"));
        var unknown = Parse($"{{{Head},\"type\":\"contact\",\"channel\":\"phone\",\"emotion\":\"gleeful\"}}");

        Assert.Equal(Emotion.SecretlyPleased, contact.Emotion);
        Assert.Contains("\"emotion\":\"secretlyPleased\"", InteractionJson.Serialize(contact), StringComparison.Ordinal);
        Assert.True(resolved.Compensated);
        Assert.True(((ComplaintResolved)InteractionJson.Deserialize(InteractionJson.Serialize(resolved))).Compensated);
        var error = Assert.Single(unknown.Errors);
        Assert.Equal("emotion", error.Field);
        Assert.Contains("secretlyPleased", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_event_type_survives_the_canonical_round_trip_through_the_log()
    {
        var bodies = new[]
        {
            "\"type\":\"purchase\",\"orderId\":\"o1\",\"amount\":99.99,\"currency\":\"GBP\",\"lines\":[{\"category\":\"garden\",\"quantity\":3,\"unitPrice\":33.33}],\"discount\":5,\"paymentMethod\":\"bank_transfer\",\"channel\":\"store\"",
            "\"type\":\"return\",\"orderId\":\"o1\",\"amount\":20",
            "\"type\":\"contact\",\"channel\":\"chat\",\"durationSeconds\":60,\"emotion\":\"fearful\"",
            "\"type\":\"complaintOpened\",\"complaintId\":\"k1\",\"severity\":\"critical\"",
            "\"type\":\"complaintResolved\",\"complaintId\":\"k1\",\"satisfied\":false",
            "\"type\":\"survey\",\"dimensions\":{\"price\":{\"expectation\":7,\"experience\":4.5,\"importance\":10}}",
            "\"type\":\"engagement\",\"kind\":\"appSession\"",
            "\"type\":\"profileChanged\",\"phones\":[\"(212) 555-0199\",\"+1 212 555 0100\"],\"birthday\":\"1980-02-29\",\"consents\":{\"post\":true},\"preferences\":{\"seat\":\"window\"}",
            "\"type\":\"profileChanged\",\"consentsByPurpose\":{\"email\":{\"care\":true,\"offers\":false}}",
            "\"type\":\"cancellation\"",
            "\"type\":\"note\",\"text\":\"call back after 5\"",
        };
        foreach (var body in bodies)
        {
            var original = Single($"{{{Head},{body}}}");
            var copy = InteractionJson.Deserialize(InteractionJson.Serialize(original));
            // Records compare collections by reference, so compare the canonical forms.
            Assert.Equal(InteractionJson.Serialize(original), InteractionJson.Serialize(copy));
            Assert.Equal(original.GetType(), copy.GetType());
        }
    }

    [Fact]
    public void Consent_per_purpose_is_read_per_channel_and_an_unknown_purpose_or_a_non_boolean_is_refused_naming_the_field()
    {
        var profile = Assert.IsType<ProfileChanged>(Single($"{{{Head},\"type\":\"profileChanged\",\"consentsByPurpose\":{{\"sms\":{{\"care\":true,\"offers\":false}}}}}}"));
        Assert.Equal([(ConsentPurpose.Offers, false), (ConsentPurpose.Care, true)],
            profile.ConsentsByPurpose![ConsentChannel.Sms].OrderBy(x => x.Key).Select(x => (x.Key, x.Value)));

        var bad = Parse($"{{{Head},\"type\":\"profileChanged\",\"consentsByPurpose\":{{\"sms\":{{\"ads\":true}},\"email\":{{\"care\":\"yes\"}}}}}}");
        Assert.True(bad.Errors.Select(e => e.Field).Order().SequenceEqual(["consentsByPurpose.email.care", "consentsByPurpose.sms"]), string.Join("; ", bad.Errors));
        Assert.Contains("offers, care", bad.Errors.Single(e => e.Field == "consentsByPurpose.sms").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_canonical_form_is_flat_camel_case_with_a_type_discriminator()
    {
        var e = Single($"{{{Head},\"type\":\"engagement\",\"kind\":\"email_open\"}}");
        using var json = JsonDocument.Parse(InteractionJson.Serialize(e));
        Assert.Equal("engagement", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("emailOpen", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("e1", json.RootElement.GetProperty("eventId").GetString());
    }

    [Fact]
    public void Missing_required_fields_are_each_named()
    {
        var result = Parse("{\"type\":\"purchase\",\"eventId\":\"e1\"}");
        Assert.False(result.IsValid);
        Assert.Empty(result.Events);
        var fields = result.Errors.Select(e => e.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "customerId", "occurredAt", "source", "orderId", "amount", "currency" }, fields);
        Assert.All(result.Errors, e => Assert.Equal(0, e.Index));
    }

    [Theory]
    [InlineData("amount", "\"12\"", "amount", "must be a number")]
    [InlineData("amount", "1e40", "amount", "out of range")]
    [InlineData("paymentMethod", "\"bitcoin\"", "paymentMethod", "expected one of card, cash")]
    [InlineData("lines", "[{\"category\":\"books\",\"quantity\":1.5,\"unitPrice\":1}]", "lines[0].quantity", "whole number")]
    [InlineData("lines", "{}", "lines", "must be an array")]
    public void A_field_of_the_wrong_kind_is_named_with_why(string field, string value, string path, string why)
    {
        var purchase = System.Text.Json.Nodes.JsonNode.Parse(
            $"{{{Head},\"type\":\"purchase\",\"orderId\":\"o1\",\"amount\":1,\"currency\":\"EUR\"}}")!.AsObject();
        purchase[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var error = Assert.Single(Parse(purchase.ToJsonString()).Errors);
        Assert.Equal(path, error.Field);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-01T10:00:00")]
    [InlineData("01/11/2026")]
    [InlineData("yesterday")]
    public void A_time_without_an_offset_or_not_iso_is_refused(string stamp)
    {
        var result = Parse($"{{\"eventId\":\"e1\",\"customerId\":\"c1\",\"occurredAt\":\"{stamp}\",\"source\":\"s\",\"type\":\"cancellation\"}}");
        Assert.Equal("occurredAt", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void A_time_with_an_offset_is_kept_as_the_same_instant()
    {
        var e = Single("{\"eventId\":\"e1\",\"customerId\":\"c1\",\"occurredAt\":\"2026-11-01T12:00:00+02:00\",\"source\":\"s\",\"type\":\"cancellation\"}");
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), e.OccurredAt);
    }

    [Fact]
    public void An_unknown_type_lists_the_known_ones()
    {
        var result = Parse($"{{{Head},\"type\":\"refund\"}}");
        var error = Assert.Single(result.Errors);
        Assert.Equal("type", error.Field);
        Assert.Contains("complaintResolved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_of_every_bad_event_are_reported_with_their_index_and_no_event_is_returned()
    {
        var result = Parse(
            $"{{{Head},\"type\":\"cancellation\"}}," +
            "{\"eventId\":\"e2\",\"customerId\":\"c1\",\"occurredAt\":\"2026-11-01T10:00:00Z\",\"source\":\"s\",\"type\":\"return\",\"orderId\":\"o\",\"amount\":-5}," +
            "42");
        Assert.False(result.IsValid);
        Assert.Empty(result.Events);
        Assert.Equal([1, 2], result.Errors.Select(e => e.Index).Distinct().Order());
        Assert.Contains(result.Errors, e => e is { Index: 1, Field: "amount" });
    }

    [Theory]
    [InlineData("[]", "an object")]
    [InlineData("{\"events\":{}}", "must be an array")]
    [InlineData("{\"events\":[]}", "at least one event")]
    public void A_body_of_the_wrong_shape_is_refused(string body, string why)
    {
        var result = InteractionJson.ParseBatch(JsonDocument.Parse(body).RootElement, Now, Rules);
        Assert.Contains(why, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_values_are_read_in_camel_case_snake_case_or_any_letter_case()
    {
        Assert.True(EnumNames.TryParse<EngagementKind>("webVisit", out var a));
        Assert.True(EnumNames.TryParse<EngagementKind>("web_visit", out var b));
        Assert.True(EnumNames.TryParse<EngagementKind>("WEBVISIT", out var c));
        Assert.Equal([EngagementKind.WebVisit, EngagementKind.WebVisit, EngagementKind.WebVisit], [a, b, c]);
        Assert.False(EnumNames.TryParse<EngagementKind>("1", out _));
    }
}
