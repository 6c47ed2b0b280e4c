using System.Globalization;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>Interaction events in their wire form, for tests that speak to the API as a user does.</summary>
public static class EventJson
{
    public static JsonObject Purchase(string eventId, string customerId, DateTimeOffset at, decimal amount, string orderId = "", string category = "books") => new()
    {
        ["eventId"] = eventId,
        ["customerId"] = customerId,
        ["type"] = "purchase",
        ["occurredAt"] = Stamp(at),
        ["source"] = "shop",
        ["orderId"] = orderId.Length > 0 ? orderId : "o-" + eventId,
        ["amount"] = amount,
        ["currency"] = "EUR",
        ["lines"] = new JsonArray(new JsonObject { ["category"] = category, ["quantity"] = 1, ["unitPrice"] = amount }),
        ["discount"] = 0,
        ["paymentMethod"] = "card",
        ["channel"] = "web",
    };

    public static JsonObject Contact(string eventId, string customerId, DateTimeOffset at, string emotion = "calm") => new()
    {
        ["eventId"] = eventId,
        ["customerId"] = customerId,
        ["type"] = "contact",
        ["occurredAt"] = Stamp(at),
        ["source"] = "cti",
        ["channel"] = "phone",
        ["reason"] = "billing",
        ["durationSeconds"] = 180,
        ["emotion"] = emotion,
    };

    public static JsonObject ComplaintOpened(string eventId, string customerId, DateTimeOffset at, string complaintId) => new()
    {
        ["eventId"] = eventId,
        ["customerId"] = customerId,
        ["type"] = "complaintOpened",
        ["occurredAt"] = Stamp(at),
        ["source"] = "crm",
        ["complaintId"] = complaintId,
        ["severity"] = "high",
        ["category"] = "delivery",
    };

    /// <summary>Any event: the common fields added to <paramref name="body"/> (its type-specific fields).</summary>
    public static JsonObject Event(string type, string eventId, string customerId, DateTimeOffset at, JsonObject body, string source = "test")
    {
        body["eventId"] = eventId;
        body["customerId"] = customerId;
        body["type"] = type;
        body["occurredAt"] = Stamp(at);
        body["source"] = source;
        return body;
    }

    /// <summary>A profile change setting the name, the phones (replacing the previous ones) and optionally the e-mail.</summary>
    public static JsonObject Profile(string eventId, string customerId, DateTimeOffset at, string name, string[] phones, string? email = null)
    {
        var e = new JsonObject
        {
            ["eventId"] = eventId,
            ["customerId"] = customerId,
            ["type"] = "profileChanged",
            ["occurredAt"] = Stamp(at),
            ["source"] = "crm",
            ["name"] = name,
            ["phones"] = new JsonArray([.. phones.Select(p => (JsonNode)p)]),
        };
        if (email is not null)
        {
            e["email"] = email;
        }
        return e;
    }

    public static JsonObject Batch(params JsonObject[] events) => new() { ["events"] = new JsonArray([.. events]) };

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
