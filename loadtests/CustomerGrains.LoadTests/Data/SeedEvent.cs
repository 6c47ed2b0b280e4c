using System.Globalization;
using System.Text.Json;

namespace CustomerGrains.LoadTests.Data;

/// <summary>
/// One interaction of the seed in the few shapes the load tests use (purchase, return, contact, complaint
/// opened and resolved, profile change), written as the API's flat JSON and as a row of the baseline's
/// <c>interactions</c> table.
/// </summary>
public sealed record SeedEvent(string EventId, string CustomerId, string Type, DateTimeOffset At)
{
    public decimal? Amount { get; init; }
    public string? OrderId { get; init; }
    public string? Channel { get; init; }
    public string? Emotion { get; init; }
    public string? Reason { get; init; }
    public string? ComplaintId { get; init; }
    public string? Severity { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public IReadOnlyList<string>? Phones { get; init; }

    /// <summary>Writes the event as the API takes it (camelCase, <c>type</c> discriminator).</summary>
    public void WriteJson(Utf8JsonWriter json, string source)
    {
        json.WriteStartObject();
        json.WriteString("eventId", EventId);
        json.WriteString("customerId", CustomerId);
        json.WriteString("type", Type);
        json.WriteString("occurredAt", At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteString("source", source);
        switch (Type)
        {
            case "purchase":
                json.WriteString("orderId", OrderId);
                json.WriteNumber("amount", Amount ?? 0);
                json.WriteString("currency", "EUR");
                json.WriteString("channel", Channel ?? "web");
                break;
            case "return":
                json.WriteString("orderId", OrderId);
                json.WriteNumber("amount", Amount ?? 0);
                json.WriteString("reason", Reason);
                break;
            case "contact":
                json.WriteString("channel", Channel ?? "phone");
                json.WriteString("reason", Reason);
                json.WriteNumber("durationSeconds", 180);
                if (Emotion is not null)
                {
                    json.WriteString("emotion", Emotion);
                }
                break;
            case "complaintOpened":
                json.WriteString("complaintId", ComplaintId);
                json.WriteString("severity", Severity ?? "medium");
                json.WriteString("category", Reason ?? "delivery");
                break;
            case "complaintResolved":
                json.WriteString("complaintId", ComplaintId);
                json.WriteBoolean("satisfied", true);
                break;
            case "profileChanged":
                json.WriteString("name", Name);
                json.WriteString("email", Email);
                json.WriteStartArray("phones");
                foreach (var phone in Phones ?? [])
                {
                    json.WriteStringValue(phone);
                }
                json.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"The seed has no event type '{Type}'.");
        }
        json.WriteEndObject();
    }
}

/// <summary>One customer of the seed with all of its events (the profile change first).</summary>
public sealed record SeedCustomer(string CustomerId, string Name, string Email, IReadOnlyList<string> Phones, IReadOnlyList<SeedEvent> Events);
