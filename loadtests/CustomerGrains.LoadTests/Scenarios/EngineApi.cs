using System.Globalization;
using CustomerGrains.LoadTests.Data;
using CustomerGrains.LoadTests.Runner;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Scenarios;

/// <summary>
/// The engine as the scenarios call it: over HTTP (one host or several), or reads through the typed
/// client when a cluster is given. Which optional endpoints exist (the phone directory's screen-pop, the
/// decision) is probed once at start, so the steps use them as soon as they land.
/// </summary>
public sealed class EngineApi(HttpTarget http, ClusterTarget? cluster, SeedIndex seed)
{
    private PreparedGet[]? customerPaths;
    private PreparedGet[]? screenPopPaths;
    private PreparedGet[]? decisionPaths;
    private PreparedGet? pingGrain;

    public HttpTarget Http { get; } = http;

    public ClusterTarget? Cluster { get; } = cluster;

    public SeedIndex Seed { get; } = seed;

    /// <summary>Whether <c>GET /api/screenpop?ani=</c> exists (else the lookup resolves the phone from the seed and reads the customer by id).</summary>
    public bool HasPhoneDirectory { get; private set; }

    /// <summary>Whether <c>GET /api/customers/{id}/decision</c> exists.</summary>
    public bool HasDecision { get; private set; }

    public string LookupDescription => HasPhoneDirectory && Cluster is null
        ? "screen-pop through the phone directory: GET /api/screenpop?ani={E.164} as an agent (card and decision in one request, audited)"
        : "screen-pop by customer id until the phone directory lands: the phone number is resolved from the seed's own phone map, then "
          + (Cluster is null ? "GET /api/customers/{id}" : "ICustomerGrainsClient.GetCustomerAsync(id) through the typed client");

    public string DecisionDescription => HasPhoneDirectory && Cluster is null
        ? "decision: part of the screen-pop's card"
        : HasDecision && Cluster is null
        ? "decision: GET /api/customers/{id}/decision?channel=phone after the card"
        : "decision: not yet in the engine (endpoint answered 404), so only the snapshot is read";

    /// <summary>Probes once: a known phone and a malformed one on the screen-pop route (404 on both = no route), and a known customer's decision.</summary>
    public async Task ProbeAsync(CancellationToken cancellation)
    {
        var phone = Seed.PhoneNumbers[0];
        var known = await Http.GetTextAsync($"/api/screenpop?ani={Uri.EscapeDataString(phone)}", cancellation);
        if (known.Status is 401 or 403)
        {
            throw new InvalidOperationException(
                $"GET /api/screenpop answered {known.Status}: the screen-pop needs a key of an agent or of a service with customers:read. Pass --api-key KEY " +
                "(or set CUSTOMERGRAINS_API_KEY); the embedded default's demo service key is demo-service-key.");
        }
        var malformed = await Http.GetTextAsync("/api/screenpop?ani=not-a-number", cancellation);
        HasPhoneDirectory = known.Status == 200 || malformed.Status == 400;
        var decision = await Http.GetTextAsync($"/api/customers/{Uri.EscapeDataString(Seed.CustomerOfPhone[0])}/decision?channel=phone", cancellation);
        HasDecision = decision.Status is 200 or 400;
        customerPaths = [.. Seed.CustomerIds.Select(id => Http.Prepare($"/api/customers/{Uri.EscapeDataString(id)}"))];
        screenPopPaths = [.. Seed.PhoneNumbers.Select(p => Http.Prepare($"/api/screenpop?ani={Uri.EscapeDataString(p)}"))];
        var index = Seed.CustomerIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        ownerIndex = [.. Seed.CustomerOfPhone.Select(c => index[c])];
        decisionPaths = [.. Seed.CustomerIds.Select(id => Http.Prepare($"/api/customers/{Uri.EscapeDataString(id)}/decision?channel=phone"))];
    }

    private int[] ownerIndex = [];

    /// <summary>The customer (index into the seed's customers) a phone's screen-pop shows.</summary>
    public int OwnerOf(int phone) => ownerIndex[phone];

    /// <summary>The screen-pop for phone number <paramref name="phone"/> (an index into the seed's phones); leaves the customer's index in <see cref="StepContext.Item"/>.</summary>
    public ValueTask<StepResult> ScreenPopAsync(int phone, StepContext context)
    {
        var customer = ownerIndex[phone];
        context.Item = customer;
        return HasPhoneDirectory && Cluster is null
            ? Http.GetAsync(screenPopPaths![phone], context.Cancellation)
            : CustomerAsync(customer, context.Cancellation);
    }

    /// <summary>The customer's snapshot by seed index, over HTTP or through the typed client.</summary>
    public async ValueTask<StepResult> CustomerAsync(int customer, CancellationToken cancellation)
    {
        if (Cluster is { } cluster)
        {
            var snapshot = await cluster.Client.GetCustomerAsync(Seed.CustomerIds[customer], cancellationToken: cancellation);
            return snapshot is null ? StepResult.Fail(404) : StepResult.Ok(200);
        }
        return await Http.GetAsync(customerPaths![customer], cancellation);
    }

    /// <summary>The decision for the customer the previous step resolved.</summary>
    public ValueTask<StepResult> DecisionAsync(StepContext context) =>
        Http.GetAsync(decisionPaths![context.Item], context.Cancellation);

    /// <summary>The Orleans floor: an empty grain call, through HTTP or the typed client.</summary>
    public async ValueTask<StepResult> PingGrainAsync(CancellationToken cancellation)
    {
        if (Cluster is { } cluster)
        {
            await cluster.Client.PingAsync(cancellation);
            return StepResult.Ok(204);
        }
        return await Http.GetAsync(pingGrain ??= Http.Prepare("/api/ping/grain"), cancellation);
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
