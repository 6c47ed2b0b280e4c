using System.Text.Json;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Tests.Events;

/// <summary>The <c>offer</c> event and the profile's time zone are read and validated at ingest like every other field.</summary>
public sealed class OfferEventTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Reads <c>{"events":[<paramref name="events"/>]}</c> as ingest does as of <see cref="Now"/>, with the default limits.</summary>
    internal static BatchParseResult Parse(string events)
    {
        using var document = JsonDocument.Parse($$"""{"events":[{{events}}]}""");
        return InteractionJson.ParseBatch(document.RootElement, Now, new ValidationOptions());
    }

    private const string Head = "\"eventId\":\"e1\",\"customerId\":\"c1\",\"occurredAt\":\"2026-11-20T10:00:00Z\",\"source\":\"marketing\"";

    [Fact]
    public void An_accepted_offer_with_its_spend_is_read_and_kept_in_the_canonical_form()
    {
        var batch = Parse($$"""{{{Head}},"type":"offer","offerId":"of-1","kind":"care","action":"holidayGift","outcome":"accepted","spend":35.5}""");

        var offer = Assert.IsType<OfferRecorded>(Assert.Single(batch.Events));
        Assert.Equal(("of-1", ActionKind.Care, "holidayGift", OfferOutcome.Accepted, 35.5m), (offer.OfferId, offer.Kind, offer.Action, offer.Outcome, offer.Spend));
        Assert.Equal(offer, InteractionJson.Deserialize(InteractionJson.Serialize(offer)));
    }

    [Theory]
    [InlineData("\"kind\":\"gift\",\"action\":\"holidayGift\",\"outcome\":\"offered\"", "kind")]
    [InlineData("\"kind\":\"care\",\"action\":\"holidayGift\",\"outcome\":\"maybe\"", "outcome")]
    [InlineData("\"kind\":\"care\",\"outcome\":\"offered\"", "action")]
    [InlineData("\"kind\":\"care\",\"action\":\"holidayGift\",\"outcome\":\"declined\",\"spend\":10", "spend")]
    [InlineData("\"kind\":\"care\",\"action\":\"holidayGift\",\"outcome\":\"accepted\",\"spend\":-1", "spend")]
    public void A_bad_offer_is_refused_naming_the_field(string body, string field)
    {
        var batch = Parse($$"""{{{Head}},"type":"offer","offerId":"of-1",{{body}}}""");

        Assert.Empty(batch.Events);
        Assert.Equal(field, Assert.Single(batch.Errors).Field);
    }

    [Fact]
    public void A_profile_time_zone_must_be_one_this_service_knows()
    {
        var good = Parse($$"""{{{Head}},"type":"profileChanged","timeZone":"Europe/Berlin"}""");
        var bad = Parse($$"""{{{Head}},"type":"profileChanged","timeZone":"Mars/Olympus"}""");

        Assert.Equal("Europe/Berlin", Assert.IsType<ProfileChanged>(Assert.Single(good.Events)).TimeZone);
        var error = Assert.Single(bad.Errors);
        Assert.Equal("timeZone", error.Field);
        Assert.Contains("IANA", error.Message, StringComparison.Ordinal);
    }
}
