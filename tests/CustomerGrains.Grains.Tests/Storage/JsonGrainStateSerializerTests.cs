using System.Collections.Immutable;
using System.Text;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using CustomerGrains.Grains.Customers;
using CustomerGrains.Grains.Storage;

namespace CustomerGrains.Grains.Tests.Storage;

public sealed class JsonGrainStateSerializerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 9, 0, 0, TimeSpan.Zero);

    private static CustomerState RichCustomer()
    {
        var s = new CustomerState("c-1");
        s.Apply(new PurchaseMade
        {
            EventId = "p1", CustomerId = "c-1", OccurredAt = T0, Source = "shop", OrderId = "o1", Amount = 80m, Currency = "EUR",
            Lines = [new PurchaseLine("garden", 2, 40m)], PaymentMethod = PaymentMethod.Card, Channel = Channel.Web,
        });
        s.Apply(new PurchaseMade { EventId = "p2", CustomerId = "c-1", OccurredAt = T0.AddDays(9), Source = "shop", OrderId = "o2", Amount = 20m, Currency = "EUR" });
        s.Apply(new OrderReturned { EventId = "r1", CustomerId = "c-1", OccurredAt = T0.AddDays(10), Source = "shop", OrderId = "o2", Amount = 5m });
        s.Apply(new CustomerContacted { EventId = "k1", CustomerId = "c-1", OccurredAt = T0.AddDays(11), Source = "cti", Channel = Channel.Phone, DurationSeconds = 200, Emotion = Emotion.Suspicious });
        s.Apply(new ComplaintOpened { EventId = "q1", CustomerId = "c-1", OccurredAt = T0.AddDays(11), Source = "crm", ComplaintId = "x1", Severity = ComplaintSeverity.Critical });
        s.Apply(new SurveyAnswered
        {
            EventId = "s1", CustomerId = "c-1", OccurredAt = T0.AddDays(12), Source = "survey", Nps = 4,
            Dimensions = ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty.Add(ExperienceDimension.Convenience, new SurveyScore(9, 4, 7)),
        });
        s.Apply(new EngagementRecorded { EventId = "g1", CustomerId = "c-1", OccurredAt = T0.AddDays(13), Source = "web", Kind = EngagementKind.AppSession });
        s.Apply(new ProfileChanged
        {
            EventId = "f1", CustomerId = "c-1", OccurredAt = T0.AddDays(14), Source = "web", Name = "Ada", Email = "ada@example.com",
            Phones = ["+44 20 7946 0000"], Birthday = new DateOnly(1990, 12, 10),
            Consents = ImmutableDictionary<ConsentChannel, bool>.Empty.Add(ConsentChannel.Sms, true),
            Preferences = ImmutableDictionary<string, string>.Empty.Add("seat", "window"),
        });
        s.Apply(new CustomerCancelled { EventId = "z1", CustomerId = "c-1", OccurredAt = T0.AddDays(15), Source = "crm", Reason = "price" });
        return s;
    }

    [Fact]
    public void A_stored_customer_reads_back_to_the_same_customer()
    {
        var serializer = new JsonGrainStateSerializer();
        var original = new CustomerGrainState { LastSequence = 9, LastPosition = 1234, Customer = RichCustomer() };

        var copy = serializer.Deserialize<CustomerGrainState>(serializer.Serialize(original))!;

        Assert.Equal(9, copy.LastSequence);
        Assert.Equal(1234, copy.LastPosition);
        var now = T0.AddDays(30);
        // The summary covers every fact the state keeps; equal summaries of their JSON mean nothing was lost.
        Assert.Equal(
            serializer.Serialize(CustomerSummary.Of(original.Customer!, now)).ToString(),
            serializer.Serialize(CustomerSummary.Of(copy.Customer!, now)).ToString());
        Assert.Equal(original.Customer!.AppliedEvents, copy.Customer!.AppliedEvents);
    }

    [Fact]
    public void The_stored_form_names_no_clr_type_so_renaming_a_class_cannot_break_it()
    {
        var stored = new JsonGrainStateSerializer().Serialize(new CustomerGrainState { Customer = RichCustomer() });
        var json = Encoding.UTF8.GetString(stored.ToArray());
        Assert.DoesNotContain("CustomerGrains.", json, StringComparison.Ordinal);
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.Contains("\"customerId\":\"c-1\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_customer_goes_on_from_its_snapshot_exactly_as_the_customer_in_memory()
    {
        // The aggregates kept for late events (orders for their returns, open complaints for their resolution, the
        // latest compensations) must survive the stored form: the same later events give the same customer.
        var serializer = new JsonGrainStateSerializer();
        var original = RichCustomer();
        var copy = serializer.Deserialize<CustomerState>(serializer.Serialize(original))!;
        InteractionEvent[] later =
        [
            new OrderReturned { EventId = "r2", CustomerId = "c-1", OccurredAt = T0.AddDays(16), Source = "shop", OrderId = "o1", Amount = 30m },
            new ComplaintResolved { EventId = "q2", CustomerId = "c-1", OccurredAt = T0.AddDays(17), Source = "crm", ComplaintId = "x1", Satisfied = true, Compensated = true },
            new CustomerContacted { EventId = "k2", CustomerId = "c-1", OccurredAt = T0.AddDays(18), Source = "cti", Channel = Channel.Phone, DurationSeconds = 60 },
        ];
        foreach (var e in later)
        {
            original.Apply(e);
            copy.Apply(e);
        }

        Assert.Equal(serializer.Serialize(original).ToString(), serializer.Serialize(copy).ToString());
        Assert.Equal(65m, copy.PurchaseDays.Sum(d => d.Net));
        Assert.Empty(copy.OpenComplaints);
        Assert.Single(copy.CompensatedResolutions);
    }

    [Fact]
    public void A_customer_stores_only_the_collections_it_uses()
    {
        var s = new CustomerState("c-2");
        s.Apply(new CustomerContacted { EventId = "k1", CustomerId = "c-2", OccurredAt = T0, Source = "cti", Channel = Channel.Chat, DurationSeconds = 90 });

        var json = new JsonGrainStateSerializer().Serialize(s).ToString();

        Assert.Contains("\"contacts\":{\"chat\"", json, StringComparison.Ordinal);
        foreach (var unused in new[] { "orders", "offers", "consents", "preferences", "openComplaints", "purchaseChannels", "uncounted", "compensatedResolutions" })
        {
            Assert.DoesNotContain($"\"{unused}\"", json, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("{}", json, StringComparison.Ordinal);
    }
}
