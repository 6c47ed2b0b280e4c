using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// Replacing the policy with <c>PUT /api/policy</c> while agents' screens keep asking for decisions: every
/// decision is whole under one version (never an error, never half old and half new), and once the PUT has
/// answered no decision is made under the old version any more. The test runs its own host, so the policy it
/// installs does not reach the tests that share the collection's host.
/// </summary>
public sealed class PolicySwapTests
{
    private const int Customers = 40;
    private const int Readers = 6;

    /// <summary>What one decision said, with whether it was asked for after the PUT had answered.</summary>
    private sealed record Answer(int Reader, int Sequence, bool AskedAfterSwap, HttpStatusCode Status, string? Version,
        string? Tier, string? TierName, string? ServiceLevel, string? ServiceReason, string Body);

    [Fact]
    public async Task Decisions_served_during_a_policy_swap_are_each_under_the_old_or_the_new_version_and_only_the_new_once_it_is_in_force()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = new RunningHost();
        await host.InitializeAsync();
        var api = host.Api;

        var customers = await SeedAsync(api);
        var current = (await api.Http.GetFromJsonAsync<JsonObject>(new Uri("/api/policy", UriKind.Relative), ct))!;
        var oldVersion = current["version"]!.GetValue<string>();
        var candidate = JsonNode.Parse(current.ToJsonString())!.AsObject();
        var newVersion = "swap-" + Guid.NewGuid().ToString("N")[..8];
        candidate["version"] = newVersion;
        var tiers = new Dictionary<string, Dictionary<string, (string DisplayName, string ServiceLevel)>>
        {
            [oldVersion] = [],
            [newVersion] = [],
        };
        foreach (var (tier, node) in candidate["tiers"]!.AsObject())
        {
            var policy = node!.AsObject();
            var (name, level) = (policy["displayName"]!.GetValue<string>(), policy["serviceLevel"]!.GetValue<string>());
            tiers[oldVersion][tier] = (name, level);
            tiers[newVersion][tier] = (name + " 2027", level + "2027");
            policy["displayName"] = name + " 2027";
            policy["serviceLevel"] = level + "2027";
        }

        var answers = new ConcurrentQueue<Answer>();
        var swapped = 0;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Readers).Select(reader => Task.Run(async () =>
        {
            for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var customer = customers[(reader * 7 + sequence) % customers.Count];
                var askedAfterSwap = Volatile.Read(ref swapped) == 1;
                answers.Enqueue(await DecideAsync(api, customer, reader, sequence, askedAfterSwap));
            }
        }, CancellationToken.None)).ToArray();

        try
        {
            // Readers are running; swap once they have answered a good number under the policy in force.
            await Eventually.UntilAsync(() => Task.FromResult(answers.Count >= 150), "150 decisions before the swap");
            using var body = new StringContent(candidate.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            using var put = await api.Http.PutAsync(new Uri("/api/policy", UriKind.Relative), body, ct);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
            Volatile.Write(ref swapped, 1);
            await Eventually.UntilAsync(() => Task.FromResult(answers.Count(a => a.AskedAfterSwap) >= 150), "150 decisions after the swap");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }

        foreach (var answer in answers)
        {
            Assert.True(answer.Status == HttpStatusCode.OK, $"reader {answer.Reader} #{answer.Sequence}: {(int)answer.Status} {answer.Body}");
            Assert.True(tiers.TryGetValue(answer.Version!, out var names), $"unknown policy version '{answer.Version}' in {answer.Body}");
            // Everything in the decision comes from the version it names: the tier's name, level and the reason that says so.
            var (displayName, serviceLevel) = names[answer.Tier!];
            Assert.Equal((displayName, serviceLevel), (answer.TierName, answer.ServiceLevel));
            Assert.Contains($"({displayName}): {serviceLevel},", answer.ServiceReason, StringComparison.Ordinal);
            if (answer.AskedAfterSwap)
            {
                Assert.True(answer.Version == newVersion, $"asked after the PUT answered, decided under {answer.Version}: {answer.Body}");
            }
        }
        foreach (var reader in answers.GroupBy(a => a.Reader))
        {
            // Once a reader has seen the new version it never sees the old one again.
            var ordered = reader.OrderBy(a => a.Sequence).Select(a => a.Version).ToList();
            var first = ordered.IndexOf(newVersion);
            Assert.True(first >= 0, $"reader {reader.Key} never saw {newVersion}");
            Assert.All(ordered.Skip(first), v => Assert.Equal(newVersion, v));
        }
        Assert.Contains(answers, a => a.Version == oldVersion);
        var inForce = await api.Http.GetFromJsonAsync<JsonObject>(new Uri("/api/policy", UriKind.Relative), ct);
        Assert.Equal(newVersion, inForce!["version"]!.GetValue<string>());
    }

    /// <summary>Customers with a few purchases, some calls with a noted mood and some open complaints, so decisions differ.</summary>
    private static async Task<List<string>> SeedAsync(ApiClient api)
    {
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        var run = Guid.NewGuid().ToString("N")[..6];
        var customers = Enumerable.Range(0, Customers).Select(i => $"swap-{run}-{i}").ToList();
        var events = new List<JsonObject>();
        var expected = new Dictionary<string, int>();
        for (var i = 0; i < customers.Count; i++)
        {
            var id = customers[i];
            var count = 0;
            for (var p = 0; p <= i % 4; p++)
            {
                events.Add(EventJson.Purchase($"{id}-p{p}", id, now.AddDays(-20 * (p + 1)), 30m + (i * 11 % 90)));
                count++;
            }
            if (i % 3 == 0)
            {
                events.Add(EventJson.Contact($"{id}-c", id, now.AddDays(-2), emotion: i % 2 == 0 ? "angry" : "anxious"));
                count++;
            }
            if (i % 5 == 0)
            {
                events.Add(EventJson.ComplaintOpened($"{id}-k", id, now.AddDays(-1), "k1"));
                count++;
            }
            expected[id] = count;
        }
        var (status, body) = await api.PostEventsAsync(EventJson.Batch([.. events]));
        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        foreach (var (id, count) in expected)
        {
            await api.WaitForAppliedEventsAsync(id, count);
        }
        return customers;
    }

    private static async Task<Answer> DecideAsync(ApiClient api, string customer, int reader, int sequence, bool askedAfterSwap)
    {
        using var response = await api.Http.GetAsync(
            new Uri($"/api/customers/{customer}/decision?channel=phone&reason=billing", UriKind.Relative), CancellationToken.None);
        var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Answer(reader, sequence, askedAfterSwap, response.StatusCode, null, null, null, null, null, text);
        }
        var decision = JsonDocument.Parse(text).RootElement;
        var service = decision.GetProperty("service");
        var tierReason = service.GetProperty("reasons").EnumerateArray()
            .FirstOrDefault(r => r.GetProperty("rule").GetString() == "service.tier");
        return new Answer(reader, sequence, askedAfterSwap, response.StatusCode,
            decision.GetProperty("policyVersion").GetString(),
            service.GetProperty("tier").GetString(),
            service.GetProperty("tierName").GetString(),
            service.GetProperty("serviceLevel").GetString(),
            tierReason.ValueKind == JsonValueKind.Object ? tierReason.GetProperty("text").GetString() : null,
            text);
    }
}
