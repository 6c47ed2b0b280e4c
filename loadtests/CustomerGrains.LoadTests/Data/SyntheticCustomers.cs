namespace CustomerGrains.LoadTests.Data;

/// <summary>
/// A realistic synthetic customer base, the same for the same size and random seed: purchase values
/// Pareto-distributed (a few customers bring most of the revenue), several purchases and contacts each,
/// some complaints, and E.164 phone numbers: a mobile each, and a landline for many, some of which are
/// shared by a household.
/// </summary>
public static class SyntheticCustomers
{
    private static readonly string[] Emotions = ["calm", "calm", "calm", "anxious", "suspicious", "angry", "fearful"];
    private static readonly string[] Reasons = ["billing", "delivery", "product", "contract", "technical"];
    private static readonly string[] Channels = ["web", "web", "app", "store"];
    private static readonly string[] FirstNames = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hans", "Ida", "Jonas", "Lena", "Max", "Nora", "Paul", "Sophie", "Tom"];
    private static readonly string[] LastNames = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter"];

    /// <summary>The customers one at a time (so a million need not be held at once).</summary>
    public static IEnumerable<SeedCustomer> Generate(int count, int seed, DateTimeOffset now)
    {
        var random = new Random(seed);
        string? householdLandline = null;
        for (var n = 0; n < count; n++)
        {
            var id = $"lt-{n:D7}";
            var name = $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}";
            var phones = new List<string> { $"+49151{n:D8}" };
            if (householdLandline is not null && random.NextDouble() < 0.5)
            {
                phones.Add(householdLandline);   // the second member of a household
                householdLandline = null;
            }
            else if (random.NextDouble() < 0.6)
            {
                var landline = $"+4930{n:D8}";
                phones.Add(landline);
                householdLandline = random.NextDouble() < 0.25 ? landline : null;
            }
            var events = new List<SeedEvent>();
            var first = now.AddDays(-730 + (random.NextDouble() * 700));
            events.Add(new SeedEvent($"{id}-p", id, "profileChanged", first)
            {
                Name = name,
                Email = $"{id}@example.com",
                Phones = phones,
            });

            // Order count and order value are both heavy-tailed (Pareto), so value concentrates in few customers.
            var orders = Math.Clamp((int)Pareto(random, 1, 1.4), 1, 40);
            var orderValue = Pareto(random, 15, 1.6);
            var span = (now - first).TotalDays;
            for (var o = 0; o < orders; o++)
            {
                var amount = Math.Round((decimal)Math.Min(orderValue * (0.5 + random.NextDouble()), 20_000), 2);
                events.Add(new SeedEvent($"{id}-o{o}", id, "purchase", first.AddDays(span * (o + 1) / (orders + 1)))
                {
                    OrderId = $"{id}-o{o}",
                    Amount = amount,
                    Channel = Channels[random.Next(Channels.Length)],
                });
                if (random.NextDouble() < 0.05)
                {
                    events.Add(new SeedEvent($"{id}-r{o}", id, "return", Before(now, first.AddDays((span * (o + 1) / (orders + 1)) + 3)))
                    {
                        OrderId = $"{id}-o{o}",
                        Amount = Math.Round(amount / 2, 2) + 0.01m,
                        Reason = "damaged",
                    });
                }
            }
            var contacts = 1 + random.Next(4);
            for (var c = 0; c < contacts; c++)
            {
                events.Add(new SeedEvent($"{id}-c{c}", id, "contact", first.AddDays(span * random.NextDouble()).AddMinutes(c))
                {
                    Channel = random.NextDouble() < 0.7 ? "phone" : "email",
                    Reason = Reasons[random.Next(Reasons.Length)],
                    Emotion = random.NextDouble() < 0.6 ? Emotions[random.Next(Emotions.Length)] : null,
                });
            }
            if (random.NextDouble() < 0.08)
            {
                var opened = first.AddDays(span * random.NextDouble());
                events.Add(new SeedEvent($"{id}-k", id, "complaintOpened", opened)
                {
                    ComplaintId = $"{id}-k",
                    Severity = random.NextDouble() < 0.3 ? "high" : "medium",
                    Reason = Reasons[random.Next(Reasons.Length)],
                });
                if (random.NextDouble() < 0.5 && opened.AddDays(2) < now)
                {
                    events.Add(new SeedEvent($"{id}-kr", id, "complaintResolved", opened.AddDays(2)) { ComplaintId = $"{id}-k" });
                }
            }
            yield return new SeedCustomer(id, name, $"{id}@example.com", phones, events);
        }
    }

    private static DateTimeOffset Before(DateTimeOffset now, DateTimeOffset at) => at < now ? at : now.AddMinutes(-1);

    /// <summary>A Pareto(x_m, alpha) draw by inversion.</summary>
    private static double Pareto(Random random, double scale, double alpha) => scale / Math.Pow(1 - random.NextDouble(), 1 / alpha);
}
