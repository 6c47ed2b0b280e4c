using System.Collections.Immutable;
using System.Text.Json;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.Decisions;

/// <summary>
/// Reads a policy file and validates it completely: every missing, mistyped, out-of-range or unknown
/// field is reported with its JSON path, so an operator fixes a rejected policy in one pass. A policy with
/// any error is not returned; keeping the previous policy in force is the caller's part.
/// </summary>
public static class PolicyJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The policy in <paramref name="json"/> and no errors, or no policy and every error found.</summary>
    public static (Policy? Policy, IReadOnlyList<PolicyError> Errors) Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<PolicyError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            errors.Add(new PolicyError("$", $"is not valid JSON: {e.Message}"));
            return (null, errors);
        }
        using (document)
        {
            var root = new Node(document.RootElement, "$", errors);
            var policy = root.IsObject() ? Read(root) : null;
            return errors.Count == 0 ? (policy, errors) : (null, errors);
        }
    }

    private static Policy Read(Node root)
    {
        root.Only("version", "tiers", "recovery", "complaints", "retention", "winBack", "crossSell", "birthday", "marketing", "capabilities", "uncalibrated", "matrices", "calendar", "channels");
        var version = root.Text("version");
        var tiers = root.Object("tiers") is { } t ? Tiers(t) : ImmutableDictionary<string, TierPolicy>.Empty;
        return new Policy(
            version ?? "",
            tiers,
            root.Object("recovery") is { } r ? Recovery(r) : null!,
            root.Object("complaints") is { } c ? Complaints(c) : null!,
            root.Object("retention") is { } rt ? Retention(rt) : null!,
            root.Object("winBack") is { } w ? WinBack(w) : null!,
            root.Object("crossSell") is { } x ? CrossSell(x) : null!,
            root.Object("birthday") is { } b ? Birthday(b) : null!,
            root.Object("marketing") is { } m ? Marketing(m) : null!,
            root.Object("capabilities") is { } cap ? Capabilities(cap) : null!)
        {
            Uncalibrated = root.Has("uncalibrated") && root.Object("uncalibrated") is { } u ? Uncalibrated(u) : UncalibratedPolicy.Default,
            Matrices = root.Has("matrices") && root.Object("matrices") is { } mx ? Matrices(mx) : MatrixPolicy.None,
            Calendar = root.Has("calendar") && root.Object("calendar") is { } cal ? Calendar(cal) : CalendarPolicy.None,
            Channels = root.Has("channels") && root.Object("channels") is { } ch ? Channels(ch) : ImmutableDictionary<Channel, ChannelPolicy>.Empty,
        };
    }

    private static ImmutableDictionary<Channel, ChannelPolicy> Channels(Node node)
    {
        node.Only([.. Enum.GetValues<Channel>().Select(c => EnumNames.Of(c))]);
        var channels = ImmutableDictionary.CreateBuilder<Channel, ChannelPolicy>();
        foreach (var channel in Enum.GetValues<Channel>())
        {
            var name = EnumNames.Of(channel);
            if (!node.Has(name) || node.Object(name) is not { } entry)
            {
                continue;
            }
            entry.Only("serviceLevels", "priorityBoost", "hold");
            var levels = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (entry.Has("serviceLevels") && entry.Object("serviceLevels") is { } l)
            {
                l.Only([.. Policy.TierNames]);
                foreach (var tier in Policy.TierNames)
                {
                    if (l.Has(tier) && l.Text(tier) is { } level)
                    {
                        levels[tier] = level;
                    }
                }
            }
            channels[channel] = new ChannelPolicy(levels.ToImmutable(), entry.Has("priorityBoost") ? entry.Int("priorityBoost", 0, 9) ?? 0 : 0,
                entry.Has("hold") ? Names<ActionKind>(entry, "hold", "action") : []);
        }
        return channels.ToImmutable();
    }

    /// <summary>A list of enum names (action kinds, channels), each unknown one reported with its index as an unknown <paramref name="what"/>.</summary>
    private static ImmutableArray<T> Names<T>(Node node, string name, string what) where T : struct, Enum
    {
        var names = node.Strings(name, minCount: 0);
        var values = ImmutableArray.CreateBuilder<T>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            if (EnumNames.TryParse<T>(names[i], out var value))
            {
                values.Add(value);
            }
            else
            {
                node.Fail($"{name}[{i}]", $"unknown {what} '{names[i]}'; expected one of {EnumNames.List<T>()}");
            }
        }
        return values.ToImmutable();
    }

    private static CalendarPolicy Calendar(Node node)
    {
        node.Only("defaultRegion", "withinDays", "regions");
        var regions = ImmutableDictionary.CreateBuilder<string, RegionCalendar>(StringComparer.Ordinal);
        if (node.Object("regions") is { } r)
        {
            foreach (var property in r.Element.EnumerateObject())
            {
                if (property.Name.Length != 2 || !property.Name.All(char.IsAsciiLetterUpper) || !Contacts.PhoneNumberNormalizer.IsSupportedRegion(property.Name))
                {
                    r.Fail(property.Name, "must be an ISO 3166 region code in capitals, such as DE, US or GB");
                    continue;
                }
                if (r.Object(property.Name) is { } region)
                {
                    regions[property.Name] = Region(region);
                }
            }
        }
        var defaultRegion = node.Text("defaultRegion");
        if (defaultRegion is not null && !regions.ContainsKey(defaultRegion))
        {
            node.Fail("defaultRegion", $"'{defaultRegion}' is not one of the calendar's regions ({string.Join(", ", regions.Keys.Order(StringComparer.Ordinal))})");
        }
        return new CalendarPolicy(defaultRegion ?? "", node.Int("withinDays", 0, 60) ?? 0, regions.ToImmutable());
    }

    private static RegionCalendar Region(Node node)
    {
        node.Only("timeZone", "holidays");
        var zone = node.Text("timeZone");
        if (zone is not null && !TimeZones.IsKnown(zone))
        {
            node.Fail("timeZone", $"'{zone}' is not a time zone this service knows; use an IANA id such as Europe/Berlin");
        }
        var holidays = ImmutableArray.CreateBuilder<Holiday>();
        if (node.Element.TryGetProperty("holidays", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var holiday = new Node(item, $"{node.Path}.holidays[{i}]", node.Errors);
                if (holiday.IsObject())
                {
                    holiday.Only("name", "date");
                    var name = holiday.Text("name");
                    var date = holiday.Text("date");
                    if (date is not null && Holiday.TryParseDate(date, out var parsed))
                    {
                        if (name is not null)
                        {
                            holidays.Add(new Holiday(name, parsed.Month, parsed.Day, parsed.Year));
                        }
                    }
                    else if (date is not null)
                    {
                        holiday.Fail("date", $"'{date}' is not a date: write MM-dd for every year (12-25) or yyyy-MM-dd for one year (2027-03-28)");
                    }
                }
                i++;
            }
        }
        else
        {
            node.Fail("holidays", "must be an array of holidays ({\"name\": ..., \"date\": \"12-25\"})");
        }
        return new RegionCalendar(zone ?? "", holidays.ToImmutable());
    }

    private static MatrixPolicy Matrices(Node node)
    {
        node.Only("marketing", "selection");
        return new MatrixPolicy(
            node.Has("marketing") && node.Object("marketing") is { } m ? Cells<MarketingMode>(m) : MatrixPolicy.None.Modes,
            node.Has("selection") && node.Object("selection") is { } s ? Cells<SelectionQuadrant>(s) : MatrixPolicy.None.Quadrants);
    }

    private static ImmutableDictionary<T, MatrixCell> Cells<T>(Node node) where T : struct, Enum
    {
        node.Only([.. Enum.GetValues<T>().Select(v => EnumNames.Of(v))]);
        var cells = ImmutableDictionary.CreateBuilder<T, MatrixCell>();
        foreach (var value in Enum.GetValues<T>())
        {
            var name = EnumNames.Of(value);
            if (!node.Has(name) || node.Object(name) is not { } cell)
            {
                continue;
            }
            cell.Only("hold", "compensationCap", "retain", "personalised");
            cells[value] = new MatrixCell(cell.Has("hold") ? Names<ActionKind>(cell, "hold", "action") : [], cell.Has("compensationCap") ? cell.Money("compensationCap") : null,
                cell.Has("retain") && cell.Bool("retain") == true, cell.Has("personalised") && cell.Bool("personalised") == true);
        }
        return cells.ToImmutable();
    }

    private static UncalibratedPolicy Uncalibrated(Node node)
    {
        node.Only("serveAsTier", "highNetValue");
        var tier = node.Text("serveAsTier");
        if (tier is not null && !Policy.TierNames.Contains(tier))
        {
            node.Fail("serveAsTier", $"unknown tier '{tier}'; expected one of {string.Join(", ", Policy.TierNames)}");
        }
        return new UncalibratedPolicy(tier ?? "", node.Has("highNetValue") ? node.Money("highNetValue") : null);
    }

    private static ImmutableDictionary<string, TierPolicy> Tiers(Node node)
    {
        node.Only([.. Policy.TierNames]);
        var tiers = ImmutableDictionary.CreateBuilder<string, TierPolicy>(StringComparer.Ordinal);
        int? previousPriority = null;
        string? previousTier = null;
        foreach (var name in Policy.TierNames)
        {
            if (node.Object(name) is not { } tier)
            {
                continue;
            }
            tier.Only("displayName", "serviceLevel", "routingPriority", "compensationLimit", "care", "birthdayBudget");
            var priority = tier.Int("routingPriority", 1, 10);
            if (priority < previousPriority)
            {
                tier.Fail("routingPriority", $"must not come before tier {previousTier}'s ({previousPriority}): 1 is served first");
            }
            previousPriority = priority ?? previousPriority;
            previousTier = name;
            tiers[name] = new TierPolicy(
                tier.Text("displayName") ?? "",
                tier.Text("serviceLevel") ?? "",
                priority ?? 0,
                tier.Money("compensationLimit") ?? 0,
                tier.Object("care", nullable: true) is { } care ? Care(care) : null,
                tier.Money("birthdayBudget") ?? 0);
        }
        return tiers.ToImmutable();
    }

    private static CarePolicy Care(Node node)
    {
        node.Only("action", "budget", "channel", "periodDays", "minIntervalDays", "occasion");
        return new CarePolicy(node.Text("action") ?? "", node.Money("budget") ?? 0, node.Enum<ConsentChannel>("channel") ?? default)
        {
            PeriodDays = node.Has("periodDays") ? node.Int("periodDays", 1, 3660) ?? 0 : 365,
            MinIntervalDays = node.Has("minIntervalDays") ? node.Int("minIntervalDays", 0, 3660) ?? 0 : 0,
            Occasion = node.Has("occasion") ? node.Enum<CareOccasion>("occasion") ?? default : CareOccasion.Anytime,
        };
    }

    private static RecoveryPolicy Recovery(Node node)
    {
        node.Only("maxAgeDays", "scripts", "pattern");
        var scripts = ImmutableDictionary.CreateBuilder<Emotion, RecoveryScript>();
        if (node.Object("scripts") is { } s)
        {
            s.Only([.. Enum.GetValues<Emotion>().Select(e => EnumNames.Of(e))]);
            foreach (var emotion in Enum.GetValues<Emotion>())
            {
                if (s.Object(EnumNames.Of(emotion)) is { } script)
                {
                    script.Only("script", "priorityBoost", "firm", "informSupervisor");
                    scripts[emotion] = new RecoveryScript(script.Text("script") ?? "", script.Int("priorityBoost", 0, 9) ?? 0)
                    {
                        Firm = script.Has("firm") && script.Bool("firm") == true,
                        InformSupervisor = script.Has("informSupervisor") && script.Bool("informSupervisor") == true,
                    };
                }
            }
        }
        return new RecoveryPolicy(node.Int("maxAgeDays", 1, 365) ?? 0, scripts.ToImmutable())
        {
            Pattern = node.Has("pattern") && node.Object("pattern") is { } pattern ? Pattern(pattern) : ComplaintPattern.Default,
        };
    }

    private static ComplaintPattern Pattern(Node node)
    {
        node.Only("compensatedComplaints", "withinDays", "rateAbovePeers", "minComplaints");
        return new ComplaintPattern(node.Int("compensatedComplaints", 1, 100) ?? 0, node.Int("withinDays", 1, 3650) ?? 0,
            node.Number("rateAbovePeers", 1, 1000) ?? 0, node.Int("minComplaints", 1, 1000) ?? 0);
    }

    private static ComplaintPolicy Complaints(Node node)
    {
        node.Only("apologise", "compensationMinSeverity", "priorityBoost");
        return new ComplaintPolicy(
            node.Bool("apologise") ?? false,
            node.Enum<ComplaintSeverity>("compensationMinSeverity") ?? default,
            node.Int("priorityBoost", 0, 9) ?? 0);
    }

    private static RetentionPolicy Retention(Node node)
    {
        node.Only("action", "channel", "tiers", "budget", "contactReasons");
        var tiers = node.Strings("tiers", minCount: 1);
        for (var i = 0; i < tiers.Length; i++)
        {
            if (!Policy.TierNames.Contains(tiers[i]))
            {
                node.Fail($"tiers[{i}]", $"unknown tier '{tiers[i]}'; expected one of {string.Join(", ", Policy.TierNames)}");
            }
        }
        return new RetentionPolicy(node.Text("action") ?? "", node.Enum<ConsentChannel>("channel") ?? default, tiers, node.Money("budget") ?? 0,
            node.Strings("contactReasons", minCount: 0));
    }

    private static WinBackPolicy WinBack(Node node)
    {
        node.Only("action", "channel", "minPastNetSpend", "budget");
        return new WinBackPolicy(node.Text("action") ?? "", node.Enum<ConsentChannel>("channel") ?? default,
            node.Money("minPastNetSpend") ?? 0, node.Money("budget") ?? 0);
    }

    private static CrossSellPolicy CrossSell(Node node)
    {
        node.Only("action", "channel", "minAffinityShare", "maxCategories");
        return new CrossSellPolicy(node.Text("action") ?? "", node.Enum<ConsentChannel>("channel") ?? default,
            node.Number("minAffinityShare", 0, 1) ?? 0, node.Int("maxCategories", 1, 20) ?? 0);
    }

    private static BirthdayPolicy Birthday(Node node)
    {
        node.Only("action", "channel", "withinDays", "minIntervalDays");
        return new BirthdayPolicy(node.Text("action") ?? "", node.Enum<ConsentChannel>("channel") ?? default, node.Int("withinDays", 0, 60) ?? 0)
        {
            MinIntervalDays = node.Has("minIntervalDays") ? node.Int("minIntervalDays", 0, 366) ?? 0 : 300,
        };
    }

    private static MarketingPolicy Marketing(Node node)
    {
        node.Only("highValuePercentile", "highIndividuality");
        return new MarketingPolicy(node.Number("highValuePercentile", 0, 1) ?? 0, node.Number("highIndividuality", 0, 1) ?? 0);
    }

    private static CapabilityPolicy Capabilities(Node node)
    {
        node.Only("categories", "channels", "goodMatch");
        return new CapabilityPolicy(node.Strings("categories", minCount: 0), Names<Channel>(node, "channels", "channel"), node.Number("goodMatch", 0, 1) ?? 0);
    }

    /// <summary>A JSON object at a path, with readers that add an error per bad field and return null for it.</summary>
    private readonly record struct Node(JsonElement Element, string Path, List<PolicyError> Errors)
    {
        public void Fail(string name, string reason) => Errors.Add(new PolicyError(Path + "." + name, reason));

        public bool IsObject()
        {
            if (Element.ValueKind == JsonValueKind.Object)
            {
                return true;
            }
            Errors.Add(new PolicyError(Path, "must be an object"));
            return false;
        }

        /// <summary>Reports every property not in <paramref name="known"/> (a misspelt rule would otherwise be silently ignored).</summary>
        public void Only(params string[] known)
        {
            foreach (var property in Element.EnumerateObject())
            {
                if (Array.IndexOf(known, property.Name) < 0)
                {
                    Fail(property.Name, $"unknown property; expected one of {string.Join(", ", known)}");
                }
            }
        }

        /// <summary>Whether an optional property is present and not null.</summary>
        public bool Has(string name) => Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

        private bool TryGet(string name, out JsonElement value, bool nullable = false)
        {
            if (Element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }
            if (!nullable || value.ValueKind != JsonValueKind.Null)
            {
                Fail(name, nullable ? "is required (null to leave it out)" : "is required");
            }
            return false;
        }

        public Node? Object(string name, bool nullable = false)
        {
            if (!TryGet(name, out var value, nullable))
            {
                return null;
            }
            var node = new Node(value, Path + "." + name, Errors);
            return node.IsObject() ? node : null;
        }

        public string? Text(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                Fail(name, "must be a non-empty string");
                return null;
            }
            return value.GetString();
        }

        public bool? Bool(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }
            Fail(name, "must be true or false");
            return null;
        }

        public double? Number(string name, double min, double max)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < min || number > max)
            {
                Fail(name, $"must be a number from {min} to {max}");
                return null;
            }
            return number;
        }

        public int? Int(string name, int min, int max)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
            {
                Fail(name, $"must be a whole number from {min} to {max}");
                return null;
            }
            return number;
        }

        public decimal? Money(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var amount) || amount < 0)
            {
                Fail(name, "must be an amount of at least 0");
                return null;
            }
            return amount;
        }

        public T? Enum<T>(string name) where T : struct, Enum
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind == JsonValueKind.String && EnumNames.TryParse<T>(value.GetString()!, out var parsed))
            {
                return parsed;
            }
            Fail(name, $"must be one of {EnumNames.List<T>()}");
            return null;
        }

        public ImmutableArray<string> Strings(string name, int minCount)
        {
            if (!TryGet(name, out var value))
            {
                return [];
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail(name, "must be an array of strings");
                return [];
            }
            var items = ImmutableArray.CreateBuilder<string>(value.GetArrayLength());
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                {
                    items.Add(item.GetString()!);
                }
                else
                {
                    Fail($"{name}[{i}]", "must be a non-empty string");
                }
                i++;
            }
            if (items.Count < minCount)
            {
                Fail(name, $"must hold at least {minCount} item(s)");
            }
            return items.ToImmutable();
        }
    }
}
