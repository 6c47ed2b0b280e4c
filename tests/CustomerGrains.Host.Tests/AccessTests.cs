using System.Net;
using System.Text;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>A host with the demo users plus one service key per scope (and one with none), configured by id.</summary>
public sealed class AccessHost : RunningHost, IAsyncLifetime
{
    public static readonly string[] Scopes = ["interactions:write", "customers:read", "decisions:read", "policy:write", "maintenance", "privacy", "segments:write", "changes:read"];

    /// <summary>The key of the service with <paramref name="scope"/> (none: the service with no scope).</summary>
    public static string KeyOf(string? scope) => $"access-test-{scope ?? "none"}-key";

    protected override IReadOnlyDictionary<string, string> Settings =>
        new[] { (string?)null }.Concat(Scopes).SelectMany(scope =>
        {
            var id = $"svc-{(scope ?? "none").Replace(':', '-')}";
            var hash = TestSecrets.KeyHash(KeyOf(scope));
            var user = new Dictionary<string, string> { [$"Agents:Users:{id}:Role"] = "service", [$"Agents:Users:{id}:KeyHash"] = hash };
            if (scope is not null)
            {
                user[$"Agents:Users:{id}:Scopes"] = scope;
            }
            return user;
        }).ToDictionary();
}

/// <summary>
/// Who may do what, over real HTTP: every endpoint the engine serves (its own list, from its endpoint data source) is
/// called by every kind of caller and must answer as the README's access table says. An endpoint missing from the
/// table fails the test, so a new endpoint cannot ship without a decided policy.
/// </summary>
public sealed class AccessTests(AccessHost host) : IClassFixture<AccessHost>
{
    private const string Agent = "agent", Supervisor = "supervisor", Cti = "cti", Admin = "admin";
    private static readonly string[] Everyone = ["anonymous", Agent, Supervisor, Cti, Admin, "service", .. AccessHost.Scopes.Select(s => $"service:{s}")];
    private static readonly string[] SignedIn = [.. Everyone.Skip(1)];

    /// <summary>The intended matrix (the README's table): endpoint -> the callers it lets in.</summary>
    private static readonly Dictionary<string, string[]> Matrix = new()
    {
        ["* /health/live"] = Everyone,
        ["* /health/ready"] = Everyone,
        // These callers are all on loopback: from elsewhere only admin and service maintenance (MetricsTests).
        ["* /metrics"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["POST /api/auth/login"] = Everyone,
        ["GET /api/reference/{documentName?}"] = SignedIn,
        ["GET /api/reference/scalar.js"] = Everyone,
        ["GET /api/reference/scalar.aspnetcore.js"] = Everyone,
        ["GET /api/reference/favicon.svg"] = Everyone,
        ["POST /api/auth/logout"] = SignedIn,
        ["GET /api/auth/me"] = SignedIn,
        ["GET /api/ping"] = SignedIn,
        ["GET /api/ping/grain"] = SignedIn,
        ["GET /api/agent/events"] = [Agent, Supervisor],
        ["POST /api/customers/{id}/notes"] = [Agent, Supervisor],
        ["POST /api/calls"] = [Cti, Supervisor],
        ["POST /api/calls/{callId}/answer"] = [Cti, Supervisor],
        ["POST /api/calls/{callId}/end"] = [Cti, Supervisor],
        ["GET /api/screenpop"] = [Agent, Supervisor, "service:customers:read"],
        ["GET /api/customers/{id}"] = [Supervisor, "service:customers:read"],
        ["POST /api/customers/batch"] = [Agent, Supervisor, "service:customers:read", "service:decisions:read"],
        ["GET /api/customers/{id}/export"] = [Supervisor, "service:privacy"],
        ["POST /api/customers/{id}/erase"] = [Supervisor, "service:privacy"],
        ["GET /api/privacy/retention"] = [Admin, "service:privacy"],
        ["POST /api/privacy/retention/run"] = [Admin, "service:privacy"],
        ["GET /api/customers/{id}/decision"] = [Agent, Supervisor, "service:decisions:read"],
        ["GET /api/customers/{id}/explain"] = [Supervisor, "service:customers:read"],
        ["GET /api/customers/{id}/timeline"] = [Supervisor, "service:customers:read"],
        ["POST /api/customers/{id}/preferences"] = [Agent, Supervisor, "service:interactions:write"],
        ["POST /api/interactions"] = ["service:interactions:write"],
        ["GET /api/alerts"] = [Supervisor, "service:decisions:read"],
        ["GET /api/changes"] = [Supervisor, "service:changes:read", "service:decisions:read"],
        ["GET /api/changes/stream"] = [Supervisor, "service:changes:read", "service:decisions:read"],
        ["GET /api/audit"] = [Supervisor, "service:privacy"],
        ["GET /api/policy"] = [Supervisor, Admin, "service:decisions:read", "service:policy:write"],
        ["PUT /api/policy"] = [Admin, "service:policy:write"],
        ["POST /api/policy/what-if"] = [Admin, "service:policy:write"],
        ["GET /api/population/tiers"] = [Supervisor, Admin, "service:decisions:read", "service:maintenance"],
        ["GET /api/value-model"] = [Supervisor, Admin, "service:decisions:read", "service:maintenance"],
        ["GET /api/value-model/{version}"] = [Supervisor, Admin, "service:decisions:read", "service:maintenance"],
        ["POST /api/maintenance/lifecycle-sweep"] = [Admin, "service:maintenance"],
        ["POST /api/maintenance/population-refresh"] = [Admin, "service:maintenance"],
        ["GET /api/diagnostics/delivery"] = [Admin, "service:maintenance"],
        ["GET /api/customers"] = [Supervisor, "service:customers:read", "service:decisions:read", "service:segments:write"],
        ["GET /api/segments"] = [Supervisor, "service:customers:read", "service:decisions:read", "service:segments:write"],
        ["GET /api/segments/{name}"] = [Supervisor, "service:customers:read", "service:decisions:read", "service:segments:write"],
        ["GET /api/segments/{name}/members"] = [Supervisor, "service:customers:read", "service:decisions:read", "service:segments:write"],
        ["PUT /api/segments/{name}"] = [Supervisor, "service:segments:write"],
        ["DELETE /api/segments/{name}"] = [Supervisor, "service:segments:write"],
    };

    private static string? KeyOf(string caller) => caller switch
    {
        "anonymous" => null,
        Agent => DemoKeys.Agent,
        Supervisor => DemoKeys.Supervisor,
        Cti => DemoKeys.Cti,
        Admin => DemoKeys.Admin,
        "service" => AccessHost.KeyOf(null),
        _ => AccessHost.KeyOf(caller["service:".Length..]),
    };

    [Fact]
    public async Task Every_endpoint_answers_every_kind_of_caller_as_the_access_table_says()
    {
        var (exit, listing, error) = await HostProcess.RunCommandAsync("endpoints");
        Assert.True(exit == 0, error);
        var endpoints = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line[..line.LastIndexOf(' ')]).ToList();
        Assert.True(endpoints.Count > 20, listing);
        var undecided = endpoints.Except(Matrix.Keys).ToList();
        Assert.True(undecided.Count == 0, $"Endpoints without a row in the access table: {string.Join(", ", undecided)}");
        Assert.Empty(Matrix.Keys.Except(endpoints));

        var wrong = new List<string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var caller in Everyone)
            {
                var status = await CallAsync(endpoint, KeyOf(caller));
                var allowed = Matrix[endpoint].Contains(caller);
                var expected = allowed ? "let in" : caller == "anonymous" ? "401" : "403";
                var ok = allowed ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)status < 500
                    : status == (caller == "anonymous" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden);
                if (!ok)
                {
                    wrong.Add($"{endpoint} as {caller}: {(int)status}, expected {expected}");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>Calls the endpoint with a harmless request (an empty JSON object as body, so a write is refused as invalid).</summary>
    private async Task<HttpStatusCode> CallAsync(string endpoint, string? key)
    {
        var space = endpoint.IndexOf(' ', StringComparison.Ordinal);
        var method = endpoint[..space] == "*" ? HttpMethod.Get : new HttpMethod(endpoint[..space]);
        var path = endpoint[(space + 1)..].Replace("{id}", "access-probe", StringComparison.Ordinal).Replace("{callId}", "access-probe", StringComparison.Ordinal).Replace("{name}", "access-probe", StringComparison.Ordinal).Replace("{documentName}", "v1", StringComparison.Ordinal)
            .Replace("{documentName?}", "v1", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.Add(DemoKeys.Header, key);
        }
        // The desktop feed and the change stream stream until closed: their status is all that is read.
        using var response = await host.Api.Anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
