using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CustomerGrains.Grains.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// Who is calling the agent endpoints: a signed-in person (cookie session from <c>POST /api/auth/login</c>) or a
/// system with an API key (<c>X-Api-Key</c>). Failures answer 401 (not signed in) or 403 (signed in, wrong role),
/// never a redirect: the desktop page shows its own sign-in form.
/// </summary>
public static class AgentAuthentication
{
    public const string CookieName = "customergrains.session";
    public const string KeyHeader = "X-Api-Key";
    private const string KeyScheme = "agent-key";

    public static IServiceCollection AddAgentAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AgentOptions>(configuration, AgentOptions.Section);
        // The id of a user is its key in configuration.
        services.PostConfigure<AgentOptions>(o => o.AssignIds());
        services.AddSingleton<IValidateOptions<AgentOptions>, DemoCredentialGuard>();
        services.AddSingleton<AgentDirectory>();
        services.AddSingleton<AgentSessions>();
        services.AddSingleton<SignInThrottle>();
        // Every silo must read the cookies the others issued: one application name, and a key ring that silos on
        // one machine share (the default per-user folder); for silos on several machines set DataProtection:KeysDirectory.
        var dataProtection = services.AddDataProtection().SetApplicationName("CustomerGrains");
        if (configuration["DataProtection:KeysDirectory"] is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        // The key's handler is the default and hands a request without a key to the cookie's: a request with a key is
        // handled by one handler (a policy scheme in front of both added a second to every request). Signing in and out
        // is the cookie's, also for a call that names no scheme (the key's handler cannot sign anyone in).
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = KeyScheme;
                o.DefaultSignInScheme = o.DefaultSignOutScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(KeyScheme, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(KeyHeader) ? null : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => Answer(context.Response, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Answer(context.Response, StatusCodes.Status403Forbidden);
                // Every request with a session cookie checks that the session is still listed and its user unchanged.
                o.Events.OnValidatePrincipal = async context =>
                {
                    if (context.Principal is { } principal
                        && await context.HttpContext.RequestServices.GetRequiredService<AgentSessions>().WhyEndedAsync(principal) is not null)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AgentOptions>>((o, agents) => o.ExpireTimeSpan = agents.Value.SessionLifetime);
        services.AddAuthorizationBuilder().AddAccessPolicies();
        return services;
    }

    /// <summary>The principal of a configured user.</summary>
    public static ClaimsPrincipal PrincipalOf(AgentUser user, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(ClaimTypes.Name, user.Name ?? user.Id),
            new Claim(ClaimTypes.Role, user.Role),
            .. user.ScopeList.Select(s => new Claim(Scopes.ClaimType, s)),
        ], scheme));

    /// <summary>The signed-in user's id and role (an endpoint behind a policy always has both).</summary>
    public static (string Id, string Role) Caller(this ClaimsPrincipal user) =>
        (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "");

    private static Task Answer(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Authenticates <c>X-Api-Key</c> against the key hashes in configuration. The answer for a key's user (its principal
    /// and ticket) is made once per configured user and then shared by its requests (a reloaded configuration makes new
    /// users, and so new answers): nothing in the host changes a principal or a ticket's properties, and a claims
    /// transformation added later must return a new principal rather than add to this one.
    /// </summary>
    private sealed class ApiKeyHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AgentDirectory agents)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private static readonly ConditionalWeakTable<AgentUser, Task<AuthenticateResult>> Answers = new();

        private static readonly Task<AuthenticateResult> NoKey = Task.FromResult(AuthenticateResult.NoResult());

        private static readonly Task<AuthenticateResult> UnknownKey = Task.FromResult(AuthenticateResult.Fail("The API key is not known."));

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            !Request.Headers.TryGetValue(KeyHeader, out var values) || values.ToString() is not { Length: > 0 } key
                ? NoKey
                : agents.FindByKey(key) is { } user
                    ? Answers.GetValue(user, static u => Task.FromResult(
                        AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(u, KeyScheme), KeyScheme))))
                    : UnknownKey;
    }
}
