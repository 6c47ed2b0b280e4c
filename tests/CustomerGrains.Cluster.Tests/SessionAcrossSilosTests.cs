using System.Net;
using CustomerGrains.Testing;

namespace CustomerGrains.Cluster.Tests;

/// <summary>A session is the cluster's, not a silo's: signing out through one silo ends it, and its desktop feed, on another.</summary>
public sealed class SessionAcrossSilosTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_out_through_one_silo_ends_the_session_and_its_open_feed_on_another()
    {
        await using var cluster = await PostgresCluster.StartAsync(silos: 2);
        var (first, second) = (cluster.Silos[0], cluster.Silos[1]);

        using var browser = new CookieBrowser(first.BaseAddress);
        using (var signIn = await browser.SignInAsync("super1", "supervisor-demo-1"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }
        using var onSecond = browser.CopyCookies(second.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, await onSecond.GetAsync("/api/auth/me"));
        using var feed = await DesktopFeed.OpenAsync(onSecond.Http, key: null, Ct);
        await feed.NextAsync("ready", Ct);

        Assert.Equal(HttpStatusCode.NoContent, await browser.SignOutAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, await onSecond.GetAsync("/api/auth/me"));
        var signedOut = await feed.NextAsync("signed-out", Ct);
        Assert.Equal("The session was ended (signed out).", signedOut.GetProperty("reason").GetString());
        await feed.WaitForEndAsync(Ct);
    }
}
