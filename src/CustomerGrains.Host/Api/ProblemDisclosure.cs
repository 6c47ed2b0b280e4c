using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Api;

/// <summary>
/// What a problem detail tells its caller. Refusals without a body of their own (401, 403, 415) say what to do; a 5xx
/// tells a caller that is not a supervisor only what is public: no host, file path or driver message, which stay in
/// the log and in the <c>diagnostic</c> member that supervisors see.
/// </summary>
internal static class ProblemDisclosure
{
    /// <summary>The member of a 5xx problem holding the internal cause (supervisors only).</summary>
    public const string Diagnostic = "diagnostic";

    private static readonly HashSet<string> PublicMembersOfServerErrors = ["traceId", "retryAfterSeconds"];

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status401Unauthorized => "Sign in (POST /api/auth/login) or send an API key in the X-Api-Key header.",
            StatusCodes.Status403Forbidden => $"The caller '{http.User.Caller().Id}' (role {http.User.Caller().Role}{ScopesOf(http)}) may not use " +
                                               $"{http.Request.Method} {http.Request.Path}; the README's access table says who may.",
            StatusCodes.Status413PayloadTooLarge => $"This endpoint accepts a body of at most " +
                                                     $"{http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes.",
            StatusCodes.Status415UnsupportedMediaType => $"This endpoint takes a JSON body (Content-Type: application/json); " +
                                                          $"the request's Content-Type was '{http.Request.ContentType ?? "none"}'.",
            _ => null,
        };
        if (problem.Status >= 500 && !http.User.IsInRole(Roles.Supervisor))
        {
            foreach (var member in problem.Extensions.Keys.Where(k => !PublicMembersOfServerErrors.Contains(k)).ToList())
            {
                problem.Extensions.Remove(member);
            }
            if (problem.Status == StatusCodes.Status500InternalServerError)
            {
                problem.Detail = null;
            }
        }
    }

    private static string ScopesOf(HttpContext http)
    {
        var scopes = http.User.FindAll(Scopes.ClaimType).Select(c => c.Value).ToList();
        return http.User.IsInRole(Roles.Service) ? $", scopes: {(scopes.Count == 0 ? "none" : string.Join(' ', scopes))}" : "";
    }
}
