using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Benchmarks.Samples;

/// <summary>
/// Event histories of made-up but plausible customers, the same on every run: two fixed profiles that the
/// micro-benchmarks score (a typical customer and a heavy one) and a seeded mix of prospects, one-time buyers,
/// regulars and lapsed customers that forms the population the tiers are measured on.
/// </summary>
public static class CustomerHistories
{
    /// <summary>The moment every history leads up to and every figure is computed for.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Categories = ["books", "music", "garden", "kitchen", "toys", "sports", "fashion", "games"];
    private static readonly string[] ContactReasons = ["billing", "delivery", "product", "returns", "account"];

    /// <summary>Builds the state a grain would hold after these events.</summary>
    public static CustomerState Build(string customerId, IEnumerable<InteractionEvent> events)
    {
        var state = new CustomerState(customerId);
        foreach (var e in events)
        {
            state.Apply(e);
        }
        return state;
    }

    /// <summary>
    /// About two years of a regular: 20 purchases roughly monthly in three categories, some on discount; phone,
    /// e-mail and chat contacts (the latest phone call angry), a resolved complaint and an open one, a survey
    /// with a poor service gap and a detractor score, web visits, consents, a birthday next week and a stated preference.
    /// </summary>
    public static IReadOnlyList<InteractionEvent> Typical(string customerId)
    {
        var w = new Writer(customerId);
        var start = Now.AddDays(-640);
        for (var i = 0; i < 20; i++)
        {
            var at = start.AddDays((i * 31) + (i % 3 * 2)).AddHours(i % 5);
            var category = Categories[i % 3];
            var amount = 45m + (i * 7 % 60);
            w.Purchase(at, amount, discount: i % 4 == 0 ? 10m : 0m, category, quantity: 1 + (i % 3),
                i % 2 == 0 ? PaymentMethod.Card : PaymentMethod.Wallet, i % 3 == 0 ? Channel.App : Channel.Web);
        }
        w.Return(start.AddDays(65), "o-3", 20m);
        w.Contact(Now.AddDays(-300), Channel.Email, 0, null);
        w.Contact(Now.AddDays(-200), Channel.Phone, 240, Emotion.Calm);
        w.ComplaintOpened(Now.AddDays(-199), "k-1", ComplaintSeverity.Low);
        w.ComplaintResolved(Now.AddDays(-190), "k-1", satisfied: true);
        w.Contact(Now.AddDays(-90), Channel.Chat, 0, null);
        w.Contact(Now.AddDays(-40), Channel.Email, 0, null);
        w.Contact(Now.AddDays(-12), Channel.Phone, 420, Emotion.Angry);
        w.ComplaintOpened(Now.AddDays(-12).AddMinutes(5), "k-2", ComplaintSeverity.High);
        w.Survey(Now.AddDays(-20), nps: 6,
            (ExperienceDimension.Service, new SurveyScore(8, 4, 9)),
            (ExperienceDimension.Product, new SurveyScore(7, 8, 7)),
            (ExperienceDimension.Price, new SurveyScore(6, 5, 5)));
        for (var i = 0; i < 10; i++)
        {
            w.Engagement(Now.AddDays(-5 - (i * 17)).AddHours(i % 7), EngagementKind.WebVisit, Categories[i % 4]);
        }
        w.Engagement(Now.AddDays(-3), EngagementKind.EmailOpen, null);
        w.Profile(Now.AddDays(-600), birthday: new DateOnly(1984, Now.Month, Now.Day).AddDays(5),
            consents: [(ConsentChannel.Email, true), (ConsentChannel.Phone, true), (ConsentChannel.Sms, false), (ConsentChannel.Post, true)],
            preference: ("deliveryWindow", "evenings"));
        return w.Events;
    }

    /// <summary>
    /// Five years of a heavy customer: 150 purchase days in all eight categories, 40 contacts, three open
    /// complaints, four surveys and 120 engagements: the long tail of what one grain holds.
    /// </summary>
    public static IReadOnlyList<InteractionEvent> Heavy(string customerId)
    {
        var w = new Writer(customerId);
        var start = Now.AddDays(-1800);
        for (var i = 0; i < 150; i++)
        {
            var at = start.AddDays((i * 12) + (i % 4)).AddHours(i % 9);
            w.Purchase(at, 20m + (i * 13 % 180), discount: i % 5 == 0 ? 15m : 0m, Categories[i % Categories.Length], quantity: 1 + (i % 4),
                (PaymentMethod)(i % 3), (Channel)(3 + (i % 3)));
        }
        for (var i = 0; i < 40; i++)
        {
            w.Contact(start.AddDays(20 + (i * 44)).AddHours(i % 11), (Channel)(i % 4), 60 + (i * 37 % 900), (Emotion)(i % 5));
        }
        w.ComplaintOpened(Now.AddDays(-30), "k-1", ComplaintSeverity.Medium);
        w.ComplaintOpened(Now.AddDays(-9), "k-2", ComplaintSeverity.Critical);
        w.ComplaintOpened(Now.AddDays(-2), "k-3", ComplaintSeverity.Low);
        for (var i = 0; i < 4; i++)
        {
            w.Survey(Now.AddDays(-400 + (i * 100)), nps: 9 - i,
                (ExperienceDimension.Service, new SurveyScore(8, 8 - i, 9)),
                (ExperienceDimension.Convenience, new SurveyScore(7, 7, 6)));
        }
        for (var i = 0; i < 120; i++)
        {
            w.Engagement(start.AddDays(i * 15).AddHours(i % 13), (EngagementKind)(i % 3), Categories[(i * 3) % Categories.Length]);
        }
        w.Profile(start, birthday: new DateOnly(1970, 2, 28),
            consents: [(ConsentChannel.Email, true), (ConsentChannel.Post, true)], preference: ("language", "de"));
        return w.Events;
    }

    /// <summary>
    /// One member of the population, drawn from <paramref name="random"/>: 15% prospects who only browse or call,
    /// 30% one-time buyers, 40% regulars at their own rhythm (some of whom stopped long ago) and 15% frequent buyers;
    /// contacts, complaints, surveys and engagements at rates that grow with the relationship.
    /// </summary>
    public static IReadOnlyList<InteractionEvent> Member(string customerId, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var w = new Writer(customerId);
        var kind = random.NextDouble();
        var firstSeen = Now.AddDays(-30 - random.Next(1400));
        var span = (Now - firstSeen).TotalDays;
        var purchases = kind switch
        {
            < 0.15 => 0,
            < 0.45 => 1,
            < 0.85 => 2 + random.Next(14),
            _ => 16 + random.Next(40),
        };
        // Regulars keep buying for a share of the time they have been known: some stopped long ago.
        var activeShare = purchases <= 1 ? 1 : 0.2 + (0.8 * random.NextDouble());
        var meanSpend = 15 + (random.NextDouble() * 120);
        var favourite = random.Next(Categories.Length);
        for (var i = 0; i < purchases; i++)
        {
            var at = firstSeen.AddDays(purchases == 1 ? random.NextDouble() * span : span * activeShare * i / purchases)
                .AddHours(random.Next(24));
            var category = Categories[random.NextDouble() < 0.6 ? favourite : random.Next(Categories.Length)];
            var amount = Math.Round((decimal)(meanSpend * (0.5 + random.NextDouble())), 2);
            w.Purchase(at, amount, discount: random.NextDouble() < 0.25 ? Math.Round(amount * 0.1m, 2) : 0m, category,
                quantity: 1 + random.Next(4), (PaymentMethod)random.Next(4), (Channel)(3 + random.Next(3)));
        }
        var contacts = random.Next(1 + Math.Min(8, purchases / 2 + 2));
        for (var i = 0; i < contacts; i++)
        {
            w.Contact(firstSeen.AddDays(random.NextDouble() * span), (Channel)random.Next(3), 60 + random.Next(900),
                random.NextDouble() < 0.5 ? (Emotion)random.Next(5) : null);
        }
        if (random.NextDouble() < 0.12)
        {
            var opened = firstSeen.AddDays(random.NextDouble() * span);
            w.ComplaintOpened(opened, "k-1", (ComplaintSeverity)random.Next(4));
            if (random.NextDouble() < 0.7)
            {
                var resolved = opened.AddDays(1 + random.Next(10));
                w.ComplaintResolved(resolved < Now ? resolved : Now.AddHours(-1), "k-1", satisfied: random.NextDouble() < 0.6);
            }
        }
        if (random.NextDouble() < 0.2)
        {
            w.Survey(firstSeen.AddDays(random.NextDouble() * span), nps: random.Next(11),
                (ExperienceDimension.Service, new SurveyScore(5 + random.Next(5), 3 + random.Next(7), 3 + random.Next(7))));
        }
        var engagements = random.Next(12);
        for (var i = 0; i < engagements; i++)
        {
            w.Engagement(firstSeen.AddDays(random.NextDouble() * span), (EngagementKind)random.Next(3),
                random.NextDouble() < 0.7 ? Categories[random.Next(Categories.Length)] : null);
        }
        if (random.NextDouble() < 0.6)
        {
            w.Profile(firstSeen, birthday: new DateOnly(1950 + random.Next(50), 1 + random.Next(12), 1 + random.Next(28)),
                consents: [(ConsentChannel.Email, random.NextDouble() < 0.6), (ConsentChannel.Phone, random.NextDouble() < 0.4)],
                preference: null);
        }
        if (w.Events.Count == 0)
        {
            w.Engagement(firstSeen, EngagementKind.WebVisit, Categories[favourite]);
        }
        return w.Events;
    }

    /// <summary>Writes one customer's events with ids unique within the customer.</summary>
    private sealed class Writer(string customerId)
    {
        private int next;

        public List<InteractionEvent> Events { get; } = [];

        private string Id() => $"{customerId}-e{++next}";

        public void Purchase(DateTimeOffset at, decimal amount, decimal discount, string category, int quantity,
            PaymentMethod payment, Channel channel) => Events.Add(new PurchaseMade
            {
                EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "shop",
                OrderId = $"o-{next}", Amount = amount, Currency = "EUR", Discount = discount,
                Lines = [new PurchaseLine(category, quantity, Math.Round(amount / quantity, 2))],
                PaymentMethod = payment, Channel = channel,
            });

        public void Return(DateTimeOffset at, string orderId, decimal amount) => Events.Add(new OrderReturned
        {
            EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "shop", OrderId = orderId, Amount = amount,
        });

        public void Contact(DateTimeOffset at, Channel channel, int seconds, Emotion? emotion) => Events.Add(new CustomerContacted
        {
            EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "cti", Channel = channel,
            Reason = ContactReasons[next % ContactReasons.Length], DurationSeconds = seconds, AgentId = $"a-{next % 17}", Emotion = emotion,
        });

        public void ComplaintOpened(DateTimeOffset at, string complaintId, ComplaintSeverity severity) => Events.Add(new ComplaintOpened
        {
            EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "crm", ComplaintId = complaintId, Severity = severity,
            Category = "service",
        });

        public void ComplaintResolved(DateTimeOffset at, string complaintId, bool satisfied) => Events.Add(new ComplaintResolved
        {
            EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "crm", ComplaintId = complaintId, Satisfied = satisfied,
        });

        public void Survey(DateTimeOffset at, int? nps, params (ExperienceDimension Dimension, SurveyScore Score)[] scores) =>
            Events.Add(new SurveyAnswered
            {
                EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "survey", Nps = nps,
                Dimensions = scores.ToImmutableDictionary(s => s.Dimension, s => s.Score),
            });

        public void Engagement(DateTimeOffset at, EngagementKind kind, string? category) => Events.Add(new EngagementRecorded
        {
            EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "web", Kind = kind, Category = category,
        });

        public void Profile(DateTimeOffset at, DateOnly birthday, (ConsentChannel Channel, bool Granted)[] consents,
            (string Key, string Value)? preference) => Events.Add(new ProfileChanged
            {
                EventId = Id(), CustomerId = customerId, OccurredAt = at, Source = "crm",
                Name = $"Customer {customerId}", Email = $"{customerId}@example.test", Birthday = birthday,
                Consents = consents.ToImmutableDictionary(c => c.Channel, c => c.Granted),
                Preferences = preference is { } p ? ImmutableDictionary<string, string>.Empty.Add(p.Key, p.Value) : null,
            });
    }
}
