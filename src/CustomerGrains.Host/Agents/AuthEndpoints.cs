using CustomerGrains.Host.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CustomerGrains.Host.Agents;

/// <summary>Signing in and out of the agent desktop.</summary>
internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/login", SignInAsync)
            .AllowAnonymous()
            .WithName("SignIn")
            .WithSummary("Signs an agent or supervisor in with user id and password; answers with who is signed in and sets the session cookie")
            .Produces<SignedInUser>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/auth/logout", (Delegate)SignOutAsync).WithName("SignOut").WithSummary("Ends the session on every silo, and the open desktop feeds of it within seconds")
            .Produces(StatusCodes.Status204NoContent).Produces(StatusCodes.Status401Unauthorized);
        api.MapGet("/auth/me", Me).WithName("WhoAmI").WithSummary("Who is signed in")
            .RequireAuthorization().Produces<SignedInUser>().Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static async Task<IResult> SignInAsync(
        SignInRequest request, AgentDirectory agents, AgentSessions sessions, SignInThrottle throttle, Auditing auditing, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.BadRequest("User id and password are required", "Send {\"userId\": \"...\", \"password\": \"...\"}.");
        }
        if (throttle.Refuse(context.Connection.RemoteIpAddress, request.UserId) is { } wait)
        {
            var seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
            return Problems.WithRetryAfter(Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
                detail: $"Too many attempts for this user or from this address; try again in {seconds} s."), wait);
        }
        var user = agents.SignIn(request.UserId, request.Password);
        // Only people sign in; systems (telephony, services, operators' scripts) send their key with every request.
        var from = $"from {context.Connection.RemoteIpAddress}";
        if (user is null || user.Role is not (Roles.Agent or Roles.Supervisor))
        {
            await auditing.RecordEventAsync(request.UserId, "", "sign-in-failed", from, context.RequestAborted);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong user id or password");
        }
        await auditing.RecordEventAsync(user.Id, user.Role, "sign-in", from, context.RequestAborted);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            await sessions.OpenAsync(user, CookieAuthenticationDefaults.AuthenticationScheme));
        return Results.Ok(new SignedInUser(user.Id, user.Name ?? user.Id, user.Role));
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, AgentSessions sessions)
    {
        await sessions.CloseAsync(context.User);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.NoContent();
    }

    private static IResult Me(HttpContext context)
    {
        var (id, role) = context.User.Caller();
        return Results.Ok(new SignedInUser(id, context.User.Identity?.Name ?? id, role));
    }
}

/// <summary>The body of <c>POST /api/auth/login</c>.</summary>
public sealed record SignInRequest(string? UserId, string? Password);

/// <summary>Who is signed in.</summary>
public sealed record SignedInUser(string Id, string Name, string Role);
