using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;
using static CustomerGrains.Domain.Tests.History;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>Consent per channel and purpose, with its time and source: what decisions may propose.</summary>
public sealed class ConsentTests
{
    private static readonly DateTimeOffset LastMonthly = T0.AddDays(8 * 30);

    [Fact]
    public void A_withdrawal_for_one_purpose_holds_from_the_next_decision_and_the_reasons_say_when_and_by_whom()
    {
        var h = new History().Purchases(T0, count: 9, everyDays: 30).Consent(T0, ConsentChannel.Phone).Consent(T0, ConsentChannel.Email);
        var declineAt = LastMonthly.AddDays(100);
        var before = h.Decide(declineAt, pAlive: 0.3);
        var retention = Assert.Single(before.Actions, a => a.Kind == ActionKind.Retention);
        Assert.Contains("for offers", retention.Reasons.Single(r => r.Rule == "consent.granted").Text, StringComparison.Ordinal);

        h.Consent(declineAt.AddHours(1), retention.Channel, ConsentPurpose.Offers, granted: false, source: "web-preferences");
        var after = h.Decide(declineAt.AddHours(2), pAlive: 0.3);

        Assert.DoesNotContain(after.Actions, a => a.Kind == ActionKind.Retention);
        var withheld = Assert.Single(after.Withheld, a => a.Kind == ActionKind.Retention);
        var why = withheld.Reasons.Single(r => r.Rule == "consent.missing").Text;
        Assert.Contains("withdrawn", why, StringComparison.Ordinal);
        Assert.Contains("web-preferences", why, StringComparison.Ordinal);
        // The channel's consent for care is untouched.
        Assert.True(h.State.HasConsent(retention.Channel, ConsentPurpose.Care));
        Assert.False(h.State.HasConsent(retention.Channel, ConsentPurpose.Offers));
    }

    [Fact]
    public void The_newer_statement_wins_between_a_channel_wide_one_and_one_for_a_purpose()
    {
        var h = new History()
            .Consent(T0, ConsentChannel.Email, ConsentPurpose.Care, granted: true)
            .Consent(T0.AddDays(1), ConsentChannel.Email, granted: false)
            .Consent(T0.AddDays(2), ConsentChannel.Sms)
            .Consent(T0.AddDays(3), ConsentChannel.Sms, ConsentPurpose.Offers, granted: false);

        Assert.False(h.State.HasConsent(ConsentChannel.Email, ConsentPurpose.Care));
        Assert.True(h.State.HasConsent(ConsentChannel.Sms, ConsentPurpose.Care));
        Assert.False(h.State.HasConsent(ConsentChannel.Sms, ConsentPurpose.Offers));
        var sms = h.State.ConsentFor(ConsentChannel.Sms, ConsentPurpose.Offers)!;
        Assert.Equal((false, T0.AddDays(3), "crm"), (sms.Granted, sms.At, sms.Source));
        Assert.Equal(4, h.State.ConsentsInForce().Count);
    }

    /// <summary>
    /// The property: over random customers (purchases, complaints, moods, birthdays, consent statements in any order of
    /// event time, channel-wide or for one purpose) decided at random moments under random tiers, no proposed action is on
    /// a channel and purpose without consent. Consent is judged by this test's own model of the statements made, not by
    /// the state's: the newest statement for the channel and purpose wins, a purpose's own on a tie; none is no.
    /// </summary>
    [Fact]
    public void No_decision_ever_proposes_an_action_on_a_channel_or_purpose_without_consent()
    {
        var random = new Random(20261202);
        var channels = Enum.GetValues<ConsentChannel>();
        var purposes = Enum.GetValues<ConsentPurpose>();
        string[] tiers = ["A", "B", "C", "D", ValueView.Uncalibrated];
        var proposed = 0;
        var withheld = 0;
        for (var run = 0; run < 400; run++)
        {
            var h = new History($"c-{run}");
            var said = new List<(ConsentChannel Channel, ConsentPurpose? Purpose, bool Granted, DateTimeOffset At, int Order)>();
            var events = random.Next(1, 30);
            for (var i = 0; i < events; i++)
            {
                var at = T0.AddDays(random.Next(0, 400)).AddMinutes(random.Next(0, 1440));
                switch (random.Next(7))
                {
                    case 0 or 1:
                        h.Purchase(at, random.Next(5, 500));
                        break;
                    case 2:
                        h.ComplaintOpened(at, $"k-{i}", (ComplaintSeverity)random.Next(4));
                        break;
                    case 3:
                        h.Contact(at, Channel.Phone, (Emotion)random.Next(6));
                        break;
                    case 4:
                        h.Birthday(at, new DateOnly(1980 + random.Next(30), random.Next(1, 13), random.Next(1, 29)));
                        break;
                    default:
                        var channel = channels[random.Next(channels.Length)];
                        var granted = random.Next(3) > 0;
                        if (random.Next(2) == 0)
                        {
                            h.Consent(at, channel, granted);
                            said.Add((channel, null, granted, at, i));
                        }
                        else
                        {
                            var purpose = purposes[random.Next(purposes.Length)];
                            h.Consent(at, channel, purpose, granted);
                            said.Add((channel, purpose, granted, at, i));
                        }
                        break;
                }
            }
            var now = T0.AddDays(random.Next(30, 700));
            var decision = h.Decide(now, pAlive: random.NextDouble(), tier: tiers[random.Next(tiers.Length)], percentile: random.NextDouble());
            foreach (var action in decision.Actions)
            {
                var purpose = action.Kind.PurposeOf();
                var latest = said
                    .Where(s => s.Channel == action.Channel && (s.Purpose is null || s.Purpose == purpose))
                    .OrderBy(s => s.At).ThenBy(s => s.Purpose is null ? 0 : 1).ThenBy(s => s.Order)
                    .LastOrDefault();
                Assert.True(latest.Granted,
                    $"run {run}: {action.Kind} on {action.Channel} for {purpose} proposed without consent; statements: {string.Join("; ", said)}");
                proposed++;
            }
            withheld += decision.Withheld.Count;
        }
        // The random customers reached both outcomes often enough for the property to mean something.
        Assert.True(proposed > 50 && withheld > 50, $"{proposed} actions proposed, {withheld} withheld");
    }
}
