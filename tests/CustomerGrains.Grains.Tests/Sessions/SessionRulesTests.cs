using CustomerGrains.Grains.Sessions;

namespace CustomerGrains.Grains.Tests.Sessions;

/// <summary>When a signed-in session or a key's caller may no longer act.</summary>
public sealed class SessionRulesTests
{
    private static readonly DateTimeOffset SignedIn = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(12);

    [Fact]
    public void A_session_of_an_unchanged_user_holds_until_its_longest_lifetime_however_active()
    {
        Assert.Null(SessionRules.WhyEnded("agent1", "agent", SignedIn, "agent", SignedIn.AddHours(11).AddMinutes(59), Longest));
        var ended = SessionRules.WhyEnded("agent1", "agent", SignedIn, "agent", SignedIn.AddHours(12), Longest);
        Assert.Equal("The session reached its longest lifetime (12:00:00): sign in again.", ended);
    }

    [Fact]
    public void A_key_has_no_sign_in_and_so_no_longest_lifetime()
    {
        Assert.Null(SessionRules.WhyEnded("cti", "cti", signedInAt: null, "cti", SignedIn.AddYears(1), Longest));
    }

    [Fact]
    public void A_removed_or_demoted_user_may_no_longer_act()
    {
        Assert.Equal("The user super1 no longer exists.", SessionRules.WhyEnded("super1", "supervisor", SignedIn, null, SignedIn, Longest));
        Assert.Equal("The role of super1 changed from supervisor to agent: sign in again.",
            SessionRules.WhyEnded("super1", "supervisor", SignedIn, "agent", SignedIn, Longest));
        Assert.NotNull(SessionRules.WhyEnded("svc", "service", null, "admin", SignedIn, Longest));
    }
}
