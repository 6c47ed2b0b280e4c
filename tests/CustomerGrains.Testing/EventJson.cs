using System.Globalization;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>Interaction events in their wire form, for tests that speak to the API as a user does.</summary>
public static class EventJson
{
    public static JsonObject Purchase(string eventId, string customerId, DateTimeOffset at, decimal amount, string orderId = "", string category = "books") =>
        Event("purchase", eventId, customerId, at, new JsonObject
        {
            ["orderId"] = orderId.Length > 0 ? orderId : "o-" + eventId,
            ["amount"] = amount,
            ["currency"] = "EUR",
            ["lines"] = new JsonArray(new JsonObject { ["category"] = category, ["quantity"] = 1, ["unitPrice"] = amount }),
            ["discount"] = 0,
            ["paymentMethod"] = "card",
            ["channel"] = "web",
        }, "shop");

    public static JsonObject Contact(string eventId, string customerId, DateTimeOffset at, string emotion = "calm", int durationSeconds = 180) =>
        Event("contact", eventId, customerId, at, new JsonObject
        {
            ["channel"] = "phone",
            ["reason"] = "billing",
            ["durationSeconds"] = durationSeconds,
            ["emotion"] = emotion,
        }, "cti");

    public static JsonObject ComplaintOpened(string eventId, string customerId, DateTimeOffset at, string complaintId) =>
        Event("complaintOpened", eventId, customerId, at, new JsonObject
        {
            ["complaintId"] = complaintId,
            ["severity"] = "high",
            ["category"] = "delivery",
        }, "crm");

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
        var body = new JsonObject
        {
            ["name"] = name,
            ["phones"] = new JsonArray([.. phones.Select(p => (JsonNode)p)]),
        };
        if (email is not null)
        {
            body["email"] = email;
        }
        return Event("profileChanged", eventId, customerId, at, body, "crm");
    }

    public static JsonObject Batch(params JsonObject[] events) => new() { ["events"] = new JsonArray([.. events]) };

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// What a calibration/hold-out cut of these purchase events holds, counted from the events themselves: the customers
    /// whose first purchase day (UTC) is on or before <paramref name="calibrationEnd"/>, and their purchase days after it
    /// up to <paramref name="holdoutEnd"/> (several purchases on one day count once).
    /// </summary>
    public static (int Customers, int HoldoutPurchases) HoldoutCut(IEnumerable<JsonObject> purchases, DateOnly calibrationEnd, DateOnly holdoutEnd)
    {
        var cohort = purchases
            .GroupBy(e => (string)e["customerId"]!, e => DateOnly.FromDateTime(DateTimeOffset.Parse((string)e["occurredAt"]!, CultureInfo.InvariantCulture).UtcDateTime))
            .Select(days => days.Distinct().ToList())
            .Where(days => days.Min() <= calibrationEnd)
            .ToList();
        return (cohort.Count, cohort.Sum(days => days.Count(day => day > calibrationEnd && day <= holdoutEnd)));
    }
}
