using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Needs;

/// <summary>
/// Builds the need profile from the state's need statistics as of a moment (category affinity decays
/// with time alone, complaint ages grow). Cost is linear in the number of categories and channels, not
/// in the number of events.
/// </summary>
public static class NeedProfile
{
    /// <summary>Trait-vector groups that are distributions (their values sum to 1), as opposed to single 0..1 scalars.</summary>
    private const string ChannelGroup = "channel.", DaypartGroup = "daypart.", CategoryGroup = "category.";

    private static readonly Channel[] Channels = Enum.GetValues<Channel>();
    private static readonly PaymentMethod[] PaymentMethods = Enum.GetValues<PaymentMethod>();
    private static readonly string[] DaypartNames = ["night", "morning", "afternoon", "evening"];

    /// <summary>The trait keys of the dayparts and of the channels (by enum value), built once rather than on every profile.</summary>
    private static readonly string[] DaypartKeys = [.. DaypartNames.Select(name => DaypartGroup + name)];
    private static readonly string[] ChannelKeys = [.. Channels.Select(channel => ChannelGroup + EnumNames.Of(channel))];

    /// <summary>Trait entries besides the categories: four dayparts, the weekend, up to six channels, two of price, basket and rhythm.</summary>
    private const int FixedTraits = 15;

    public static NeedProfileView Of(CustomerState state, DateTimeOffset now, NeedOptions options, SegmentAverages? segment, Contacts.LocalZone? zone = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var traits = new Dictionary<string, double>(state.CategoryAffinity.Count + FixedTraits, StringComparer.Ordinal);

        var categories = Categories(state, now, options, traits);
        var contacts = Sum(state.ContactHours);
        var local = zone is not null && state.ContactMinutes.Count > 0 ? LocalTimes(state.ContactMinutes, zone.Zone()) : ((int[] Hours, int[] Weekdays)?)null;
        if (local is { } times)
        {
            Dayparts(times.Hours, times.Weekdays, state.ContactMinutes.Count, traits);
        }
        else
        {
            Dayparts(state.ContactHours, state.ContactWeekdays, contacts, traits);
        }
        var channelShares = ChannelShares(state, traits);
        var price = Price(state, options, traits);
        double? basket = state.OrdersWithLines > 0 ? (double)state.BasketItems / state.OrdersWithLines : null;
        if (basket is { } items)
        {
            traits["basket.size"] = items / (items + options.BasketScale);
        }
        var rhythm = Rhythm(state, now);
        if (rhythm.MeanGapDays is { } meanGap)
        {
            traits["rhythm.frequency"] = options.FrequencyScaleDays / (options.FrequencyScaleDays + meanGap);
        }

        var gaps = ExperienceGap.Of(state);
        return new NeedProfileView(
            categories,
            contacts > 0 ? ArgMax(state.ContactHours) : null,
            contacts > 0 ? (DayOfWeek)ArgMax(state.ContactWeekdays) : null,
            contacts,
            MostShared(channelShares),
            channelShares,
            basket,
            state.PurchaseCount > 0 ? state.GrossSpend / state.PurchaseCount : null,
            price,
            PreferredPayment(state),
            rhythm,
            state.Preferences,
            gaps,
            ExperienceGap.Key(gaps),
            state.LastEmotion,
            OpenComplaints(state, now),
            traits,
            segment is null ? null : Individuality(traits, segment.Traits))
        {
            Zone = zone,
            Why = Why(state, now, options),
            LocalPreferredHour = local is { } hours ? ArgMax(hours.Hours) : null,
            LocalPreferredWeekday = local is { } days ? (DayOfWeek)ArgMax(days.Weekdays) : null,
        };
    }

    /// <summary>
    /// How far the customer's trait vector c lies from the segment's average s:
    /// sqrt( sum over k of (c_k - s_k)^2 / M ), where k runs over the traits of the groups the customer has
    /// data for (a segment trait the customer lacks counts as 0 within a distribution group the customer
    /// has), and M is the largest value the sum can take: 2 per distribution group (channels, dayparts,
    /// categories: two distributions differ by at most 2 in squared distance) plus 1 per scalar trait.
    /// 0 means exactly the segment's average, 1 as far from it as possible. Null when the customer has no traits.
    /// </summary>
    public static double? Individuality(IReadOnlyDictionary<string, double> customer, IReadOnlyDictionary<string, double> segment)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(segment);
        double sum = 0, max = 0;
        bool channels = false, dayparts = false, categories = false;
        foreach (var (key, value) in customer)
        {
            var d = value - segment.GetValueOrDefault(key);
            sum += d * d;
            if (key.StartsWith(ChannelGroup, StringComparison.Ordinal))
            {
                channels = true;
            }
            else if (key.StartsWith(DaypartGroup, StringComparison.Ordinal))
            {
                dayparts = true;
            }
            else if (key.StartsWith(CategoryGroup, StringComparison.Ordinal))
            {
                categories = true;
            }
            else
            {
                max += 1;
            }
        }
        max += 2 * ((channels ? 1 : 0) + (dayparts ? 1 : 0) + (categories ? 1 : 0));
        if (max == 0)
        {
            return null;
        }
        foreach (var (key, value) in segment)
        {
            var inGroup = (channels && key.StartsWith(ChannelGroup, StringComparison.Ordinal))
                || (dayparts && key.StartsWith(DaypartGroup, StringComparison.Ordinal))
                || (categories && key.StartsWith(CategoryGroup, StringComparison.Ordinal));
            if (inGroup && !customer.ContainsKey(key))
            {
                sum += value * value;
            }
        }
        return Math.Sqrt(Math.Min(1, sum / max));
    }

    private static List<CategoryAffinity> Categories(CustomerState state, DateTimeOffset now, NeedOptions options, Dictionary<string, double> traits)
    {
        var ranked = Ranked(state.CategoryAffinity, now, traits, CategoryGroup);
        var top = new List<CategoryAffinity>(Math.Min(ranked.Count, options.TopCategories));
        foreach (var (category, score, share) in ranked.Take(options.TopCategories))
        {
            top.Add(new CategoryAffinity(category, score, share));
        }
        return top;
    }

    /// <summary>The why: reasons of contacts, complaints, purchases, returns and cancellations, decayed, strongest first.</summary>
    private static List<ReasonShare> Why(CustomerState state, DateTimeOffset now, NeedOptions options)
    {
        var ranked = Ranked(state.WhyReasons, now, null, "");
        var top = new List<ReasonShare>(Math.Min(ranked.Count, options.TopCategories));
        foreach (var (reason, score, share) in ranked.Take(options.TopCategories))
        {
            top.Add(new ReasonShare(reason, score, share));
        }
        return top;
    }

    /// <summary>
    /// Decaying scores as of <paramref name="now"/> with their shares of the total, strongest first (ties by key); each share
    /// is also written to <paramref name="traits"/> under <paramref name="traitGroup"/> when given.
    /// </summary>
    private static List<(string Key, double Score, double Share)> Ranked(IReadOnlyDictionary<string, DecayingScore> scores, DateTimeOffset now,
        Dictionary<string, double>? traits, string traitGroup)
    {
        var all = new List<(string Key, double Score, double Share)>(scores.Count);
        var total = 0d;
        foreach (var (key, score) in scores)
        {
            var value = score.ValueAt(now, CustomerState.CategoryHalfLife);
            all.Add((key, value, 0));
            total += value;
        }
        if (total <= 0)
        {
            return [];
        }
        for (var i = 0; i < all.Count; i++)
        {
            var (key, value, _) = all[i];
            all[i] = (key, value, value / total);
            if (traits is not null)
            {
                traits[traitGroup + key] = value / total;
            }
        }
        all.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Key, b.Key));
        return all;
    }

    /// <summary>
    /// Contact times in four dayparts (night 0-6, morning 6-12, afternoon 12-18, evening 18-24) and the weekend share, from
    /// counts per hour and weekday: local ones when the customer's time zone is known, else UTC.
    /// </summary>
    private static void Dayparts(IReadOnlyList<int> hours, IReadOnlyList<int> weekdays, int contacts, Dictionary<string, double> traits)
    {
        if (contacts == 0)
        {
            return;
        }
        for (var part = 0; part < DaypartNames.Length; part++)
        {
            var count = 0;
            for (var hour = part * 6; hour < (part + 1) * 6; hour++)
            {
                count += hours[hour];
            }
            traits[DaypartKeys[part]] = (double)count / contacts;
        }
        var weekend = weekdays[(int)DayOfWeek.Saturday] + weekdays[(int)DayOfWeek.Sunday];
        traits["time.weekend"] = (double)weekend / contacts;
    }

    /// <summary>
    /// The latest contact times per local hour and weekday: each instant converted with the zone's rules at that instant, so a
    /// call at 14:00 UTC counts at 15:00 in Berlin in winter and at 16:00 in summer.
    /// </summary>
    private static (int[] Hours, int[] Weekdays) LocalTimes(IReadOnlyList<int> minutes, TimeZoneInfo zone)
    {
        var hours = new int[24];
        var weekdays = new int[7];
        foreach (var minute in minutes)
        {
            var local = TimeZoneInfo.ConvertTime(CustomerState.ContactEpoch.AddMinutes(minute), zone);
            hours[local.Hour]++;
            weekdays[(int)local.DayOfWeek]++;
        }
        return (hours, weekdays);
    }

    /// <summary>
    /// Where the customer deals with the company: service contacts, purchases with a channel, and
    /// engagements (a web visit counts for web, an e-mail open for e-mail, an app session for the app).
    /// </summary>
    private static Dictionary<Channel, double> ChannelShares(CustomerState state, Dictionary<string, double> traits)
    {
        Span<int> counts = stackalloc int[Channels.Length];
        foreach (var (channel, contacts) in state.Contacts)
        {
            counts[(int)channel] += contacts.Count;
        }
        foreach (var (channel, purchases) in state.PurchaseChannels)
        {
            counts[(int)channel] += purchases;
        }
        foreach (var (kind, count) in state.Engagements)
        {
            counts[(int)(kind switch
            {
                EngagementKind.WebVisit => Channel.Web,
                EngagementKind.EmailOpen => Channel.Email,
                _ => Channel.App,
            })] += count;
        }
        var total = 0;
        foreach (var count in counts)
        {
            total += count;
        }
        var shares = new Dictionary<Channel, double>();
        if (total == 0)
        {
            return shares;
        }
        foreach (var channel in Channels)
        {
            if (counts[(int)channel] > 0)
            {
                var share = (double)counts[(int)channel] / total;
                shares[channel] = share;
                traits[ChannelKeys[(int)channel]] = share;
            }
        }
        return shares;
    }

    private static PriceSensitivity Price(CustomerState state, NeedOptions options, Dictionary<string, double> traits)
    {
        if (state.PurchaseCount == 0)
        {
            return new PriceSensitivity(0, 0, PriceSensitivityLevel.Low);
        }
        var share = (double)state.DiscountedPurchases / state.PurchaseCount;
        var depth = state.DiscountedListTotal > 0 ? (double)(state.DiscountTotal / state.DiscountedListTotal) : 0;
        traits["price.discountShare"] = share;
        traits["price.discountDepth"] = depth;
        var level = share >= options.HighDiscountShare ? PriceSensitivityLevel.High
            : share >= options.MediumDiscountShare ? PriceSensitivityLevel.Medium
            : PriceSensitivityLevel.Low;
        return new PriceSensitivity(share, depth, level);
    }

    private static PurchaseRhythm Rhythm(CustomerState state, DateTimeOffset now)
    {
        var days = state.PurchaseDays;
        double? sinceLast = state.LastPurchaseAt is { } last ? Math.Max(0, (now - last).TotalDays) : null;
        var gaps = days.Count - 1;
        if (gaps < 1)
        {
            return new PurchaseRhythm(null, null, null, sinceLast);
        }
        var mean = (double)(days[^1].Day.DayNumber - days[0].Day.DayNumber) / gaps;
        var variance = ((double)state.SumSquaredPurchaseGapDays / gaps) - (mean * mean);
        return new PurchaseRhythm(mean, Math.Sqrt(Math.Max(0, variance)), state.LongestPurchaseGapDays, sinceLast);
    }

    private static PaymentMethod? PreferredPayment(CustomerState state)
    {
        PaymentMethod? best = null;
        var bestCount = 0;
        foreach (var method in PaymentMethods)
        {
            if (state.PaymentMethods.GetValueOrDefault(method) is var count && count > bestCount)
            {
                best = method;
                bestCount = count;
            }
        }
        return best;
    }

    private static List<OpenComplaintView> OpenComplaints(CustomerState state, DateTimeOffset now)
    {
        var open = new List<OpenComplaintView>(state.OpenComplaints.Count);
        foreach (var c in state.OpenComplaints.Values)
        {
            open.Add(new OpenComplaintView(c.ComplaintId, c.Severity, c.Category, c.OpenedAt, Math.Max(0, (now - c.OpenedAt).TotalDays)));
        }
        open.Sort(static (a, b) => a.OpenedAt.CompareTo(b.OpenedAt));
        return open;
    }

    private static Channel? MostShared(Dictionary<Channel, double> shares)
    {
        Channel? best = null;
        var bestShare = 0d;
        foreach (var channel in Channels)
        {
            if (shares.TryGetValue(channel, out var share) && share > bestShare)
            {
                best = channel;
                bestShare = share;
            }
        }
        return best;
    }

    /// <summary>The index of the largest count; the earliest on a tie.</summary>
    private static int ArgMax(IReadOnlyList<int> counts)
    {
        var best = 0;
        for (var i = 1; i < counts.Count; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static int Sum(IReadOnlyList<int> counts)
    {
        var sum = 0;
        foreach (var count in counts)
        {
            sum += count;
        }
        return sum;
    }
}
