using System.Collections.Immutable;
using System.Reflection;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CustomerGrains.Abstractions.Tests;

public sealed class WireContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CustomerSnapshot Snapshot()
    {
        var state = new CustomerState("c-9");
        state.Apply(new PurchaseMade { EventId = "p1", CustomerId = "c-9", OccurredAt = T0, Source = "shop", OrderId = "o1", Amount = 42m, Currency = "EUR" });
        state.Apply(new CustomerContacted { EventId = "k1", CustomerId = "c-9", OccurredAt = T0.AddDays(1), Source = "cti", Channel = Channel.Phone, DurationSeconds = 90, Emotion = Emotion.Fearful });
        state.Apply(new ComplaintOpened { EventId = "q1", CustomerId = "c-9", OccurredAt = T0.AddDays(1), Source = "crm", ComplaintId = "x", Severity = ComplaintSeverity.Low });
        state.Apply(new ProfileChanged
        {
            EventId = "f1", CustomerId = "c-9", OccurredAt = T0.AddDays(2), Source = "web", Name = "Bo",
            Consents = ImmutableDictionary<ConsentChannel, bool>.Empty.Add(ConsentChannel.Email, true),
            Preferences = ImmutableDictionary<string, string>.Empty.Add("pillow", "soft"),
        });
        return CustomerSnapshot.From(CustomerSummary.Of(state, T0.AddDays(10)));
    }

    [Fact]
    public void The_snapshot_shows_the_customer_in_wire_names()
    {
        var s = Snapshot();
        Assert.Equal("c-9", s.CustomerId);
        Assert.Equal(4, s.AppliedEvents);
        Assert.Equal(42m, s.Purchases.NetSpend);
        Assert.Equal(1, s.Contacts["phone"].Count);
        Assert.Equal("fearful", s.LastMood!.Emotion);
        Assert.Equal("low", Assert.Single(s.OpenComplaints).Severity);
        Assert.Equal(9, s.OpenComplaints[0].AgeDays, precision: 9);
        Assert.True(s.Profile.Consents["email"]);
        Assert.Equal("soft", s.Profile.Preferences["pillow"].Value);
    }

    [Fact]
    public void The_snapshot_crosses_the_orleans_wire_unchanged()
    {
        using var services = new ServiceCollection().AddCustomerGrainsSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var original = Snapshot();

        var copy = serializer.Deserialize<CustomerSnapshot>(serializer.SerializeToArray(original))!;

        Assert.Equal(original.CustomerId, copy.CustomerId);
        Assert.Equal(original.Purchases, copy.Purchases);
        Assert.Equal(original.LastMood, copy.LastMood);
        Assert.Equal(original.OpenComplaints, copy.OpenComplaints);
        Assert.Equal(original.Contacts, copy.Contacts);
        Assert.Equal(original.Profile.Preferences, copy.Profile.Preferences);
        Assert.Equal(original.Profile.Consents, copy.Profile.Consents);
    }

    [Fact]
    public void Every_serialized_type_and_grain_interface_has_an_alias_so_renames_do_not_break_the_wire()
    {
        var assembly = typeof(ICustomerGrain).Assembly;
        var missing = assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null || typeof(IAddressable).IsAssignableFrom(t))
            .Where(t => t.GetCustomAttribute<AliasAttribute>() is null)
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(missing);
    }
}
