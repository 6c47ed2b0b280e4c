using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerGrains.Testing;

/// <summary>
/// One customer with personal data of their own (a name, a phone number, an e-mail address and a note no other test
/// uses), for the data-rights tests on both backends: seeded through the public API, exported, erased, and searched for.
/// </summary>
public sealed class PrivacyScenario
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddDays(-30);

    public PrivacyScenario(string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var line = Random.Shared.Next(1000, 10_000);
        CustomerId = $"{prefix}-{run}";
        Name = $"Ottilie Quernheim {run}";
        E164 = $"+1646555{line}";
        Phone = $"(646) 555-{line}";
        Email = $"ottilie.{run}@example.org";
        Note = $"prefers calls after six, ref {run}";
    }

    public string CustomerId { get; }
    public string Name { get; }
    public string E164 { get; }

    /// <summary>The number as the profile gave it.</summary>
    public string Phone { get; }

    public string Email { get; }
    public string Note { get; }

    /// <summary>The personal values that must be gone after an erasure.</summary>
    public IReadOnlyList<string> PersonalValues => [Name, E164, E164[1..], Email, Note];

    public int Events => 4;

    /// <summary>The customer's events: a profile with consent to e-mail, a purchase, a call and an agent's note.</summary>
    public JsonObject Batch()
    {
        var profile = EventJson.Profile($"{CustomerId}-p", CustomerId, Start, Name, [Phone], Email);
        profile["consents"] = new JsonObject { ["email"] = true };
        return EventJson.Batch(
            profile,
            EventJson.Purchase($"{CustomerId}-o", CustomerId, Start.AddDays(1), 80m),
            EventJson.Contact($"{CustomerId}-c", CustomerId, Start.AddDays(2), "anxious"),
            EventJson.Event("note", $"{CustomerId}-n", CustomerId, Start.AddDays(2), new JsonObject { ["text"] = Note, ["agentId"] = "agent1" }));
    }

    /// <summary>Posts the events, waits until they are applied and looks the customer up by number once (an audited read naming the number).</summary>
    public async Task SeedAsync(ApiClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (status, body) = await api.PostEventsAsync(Batch());
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        await api.WaitForAppliedEventsAsync(CustomerId, Events, TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(() => ScreenPopAsync(api), ids => ids.Contains(CustomerId), $"{CustomerId} to be found by {E164}",
            TimeSpan.FromSeconds(60));
    }

    /// <summary>The customer ids a screen-pop of the number answers.</summary>
    public async Task<string[]> ScreenPopAsync(ApiClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (status, body) = await SendAsync(api, HttpMethod.Get, $"/api/screenpop?ani={Uri.EscapeDataString(E164)}", DemoKeys.Supervisor);
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. body.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customerId").GetString()!)];
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ExportAsync(ApiClient api, string key = DemoKeys.Supervisor) =>
        SendAsync(api, HttpMethod.Get, $"/api/customers/{CustomerId}/export", key);

    public Task<(HttpStatusCode Status, JsonElement Body)> EraseAsync(ApiClient api, string key = DemoKeys.Supervisor) =>
        SendAsync(api, HttpMethod.Post, $"/api/customers/{CustomerId}/erase", key);

    /// <summary>Checks an export taken after seeding: every kind of data the engine holds about the customer is in it.</summary>
    public void AssertComplete(JsonElement export)
    {
        Assert.Equal(CustomerId, export.GetProperty("customerId").GetString());
        var profile = export.GetProperty("profile");
        Assert.Equal(Name, profile.GetProperty("name").GetString());
        Assert.Equal(Email, profile.GetProperty("email").GetString());
        Assert.Contains(Phone, profile.GetProperty("phones").EnumerateArray().Select(p => p.GetString()));
        Assert.True(profile.GetProperty("consents").GetProperty("email").GetBoolean());
        var events = export.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal([$"{CustomerId}-p", $"{CustomerId}-o", $"{CustomerId}-c", $"{CustomerId}-n"], events.Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(80m, events[1].GetProperty("event").GetProperty("amount").GetDecimal());
        Assert.Equal(Note, Assert.Single(export.GetProperty("notes").EnumerateArray()).GetProperty("text").GetString());
        Assert.Equal(Events, export.GetProperty("snapshot").GetProperty("appliedEvents").GetInt32());
        Assert.NotEmpty(export.GetProperty("stageHistory").EnumerateArray());
        Assert.NotEmpty(export.GetProperty("decision").GetProperty("service").GetProperty("reasons").EnumerateArray());
        var audit = export.GetProperty("audit").EnumerateArray().ToList();
        Assert.Contains(audit, a => a.GetProperty("path").GetString() == "screenpop" && a.GetProperty("detail").GetString()!.Contains(E164, StringComparison.Ordinal));
    }

    /// <summary>
    /// Checks the API after an erasure: the customer is unknown to reads and to the screen-pop, the export lists only
    /// tombstones and an audit trail without personal data, and a second erasure erases nothing more.
    /// </summary>
    public async Task AssertForgottenAsync(ApiClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetCustomerAsync(CustomerId)).Status);
        Assert.DoesNotContain(CustomerId, await ScreenPopAsync(api));
        var (status, export) = await ExportAsync(api);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(FoundIn(export.GetRawText()));
        Assert.False(export.TryGetProperty("profile", out _) || export.TryGetProperty("snapshot", out _), export.GetRawText());
        Assert.Empty(export.GetProperty("notes").EnumerateArray());
        var events = export.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(Events, events.Count);
        Assert.All(events, e => Assert.True(e.GetProperty("erased").GetBoolean()));
        var erasure = Assert.Single(export.GetProperty("audit").EnumerateArray(), a => a.GetProperty("path").GetString() == "erase");
        Assert.Equal($"{Events} events, 1 phone numbers", erasure.GetProperty("detail").GetString()![..$"{Events} events, 1 phone numbers".Length]);

        var (again, second) = await EraseAsync(api, DemoKeys.Service);
        Assert.True(again == HttpStatusCode.OK, second.ToString());
        Assert.Equal(0, second.GetProperty("erasedEvents").GetInt32());
        Assert.Equal(Events, second.GetProperty("lastSequence").GetInt64());
    }

    /// <summary>
    /// After an erasure: the old events sent again are duplicates and bring nothing back; a new event of the id starts a
    /// new, empty customer.
    /// </summary>
    public async Task AssertLaterEventsStartAnEmptyCustomerAsync(ApiClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (resent, duplicates) = await api.PostEventsAsync(Batch());
        Assert.Equal(HttpStatusCode.Accepted, resent);
        Assert.Equal(Events, duplicates.GetProperty("duplicates").GetArrayLength());
        var (status, _) = await api.PostEventsAsync(EventJson.Batch(EventJson.Purchase($"{CustomerId}-later", CustomerId, DateTimeOffset.UtcNow.AddMinutes(-1), 20m)));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var snapshot = await api.WaitForAppliedEventsAsync(CustomerId, 1, TimeSpan.FromSeconds(60));
        Assert.Equal(1, snapshot.GetProperty("appliedEvents").GetInt32());
        Assert.Empty(FoundIn(snapshot.GetRawText()));
        Assert.Equal(1, snapshot.GetProperty("purchases").GetProperty("purchases").GetInt32());
    }

    /// <summary>The personal values found in <paramref name="text"/>.</summary>
    public IReadOnlyList<string> FoundIn(string text) =>
        [.. PersonalValues.Where(v => text.Contains(v, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Sends a request with a demo key (a POST with an empty JSON object) and answers the status and the JSON body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ApiClient api, HttpMethod method, string path, string key)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add(DemoKeys.Header, key);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
