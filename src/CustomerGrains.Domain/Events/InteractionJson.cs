using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerGrains.Domain.Events;

/// <summary>
/// The JSON form of interaction events: flat objects with a camelCase <c>type</c> discriminator.
/// <see cref="ParseBatch"/> reads untrusted input and reports every problem by event index and
/// field; <see cref="Serialize"/> and <see cref="Deserialize"/> are the canonical form kept in the log.
/// </summary>
public static class InteractionJson
{
    /// <summary>The serializer options of the canonical form (camelCase names and enum values).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(InteractionEvent interaction) =>
        JsonSerializer.Serialize(interaction, Options);

    /// <summary>Reads an event in canonical form, as written by <see cref="Serialize"/>.</summary>
    public static InteractionEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<InteractionEvent>(json, Options)
        ?? throw new JsonException("The interaction event is null.");

    /// <summary>
    /// Reads and validates <c>{"events":[...]}</c> against the business rules as of <paramref name="now"/>.
    /// Returns the events when every one is well formed and valid, otherwise every error found in every
    /// event (and no event, so a caller cannot half-apply a batch).
    /// </summary>
    public static BatchParseResult ParseBatch(JsonElement root, DateTimeOffset now, ValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<FieldError>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("events", out var array))
        {
            errors.Add(new FieldError(-1, "events", "the body must be an object with an array property 'events'"));
            return new BatchParseResult([], errors);
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError(-1, "events", "must be an array"));
            return new BatchParseResult([], errors);
        }
        if (array.GetArrayLength() == 0)
        {
            errors.Add(new FieldError(-1, "events", "must hold at least one event"));
            return new BatchParseResult([], errors);
        }

        var events = ImmutableArray.CreateBuilder<InteractionEvent>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (ParseEvent(element, index, errors) is { } parsed && InteractionValidator.Validate(parsed, index, now, options, errors))
            {
                events.Add(parsed);
            }
            index++;
        }
        return errors.Count == 0
            ? new BatchParseResult(events.ToImmutable(), [])
            : new BatchParseResult([], errors);
    }

    /// <summary>Reads one event; adds an error per bad field to <paramref name="errors"/> and returns null if any.</summary>
    public static InteractionEvent? ParseEvent(JsonElement element, int index, List<FieldError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(index, "", "an event must be a JSON object"));
            return null;
        }
        var before = errors.Count;
        var r = new FieldReader(element, index, errors);
        var type = r.String("type", required: true);
        var eventId = r.Id("eventId");
        var customerId = r.Id("customerId");
        var occurredAt = r.Timestamp("occurredAt");
        var source = r.String("source", required: true) ?? "";

        InteractionEvent? result = type switch
        {
            "purchase" => new PurchaseMade
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                OrderId = r.Id("orderId"),
                Amount = r.Decimal("amount", required: true),
                Currency = r.String("currency", required: true) ?? "",
                Lines = r.Array("lines", ReadLine),
                Discount = r.Decimal("discount", required: false),
                PaymentMethod = r.Enum<PaymentMethod>("paymentMethod", required: false),
                Channel = r.Enum<Channel>("channel", required: false),
                Reason = r.String("reason", required: false),
            },
            "return" => new OrderReturned
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                OrderId = r.Id("orderId"),
                Amount = r.Decimal("amount", required: true),
                Currency = r.String("currency", required: false),
                Reason = r.String("reason", required: false),
            },
            "contact" => new CustomerContacted
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                Channel = r.Enum<Channel>("channel", required: true) ?? default,
                Reason = r.String("reason", required: false),
                DurationSeconds = r.Int("durationSeconds", required: false) ?? 0,
                AgentId = r.String("agentId", required: false),
                Emotion = r.Enum<Emotion>("emotion", required: false),
            },
            "complaintOpened" => new ComplaintOpened
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                ComplaintId = r.Id("complaintId"),
                Severity = r.Enum<ComplaintSeverity>("severity", required: true) ?? default,
                Category = r.String("category", required: false),
            },
            "complaintResolved" => new ComplaintResolved
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                ComplaintId = r.Id("complaintId"),
                Satisfied = r.Bool("satisfied") ?? false,
                Compensated = r.Bool("compensated") ?? false,
            },
            "survey" => new SurveyAnswered
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                Dimensions = r.EnumMap<ExperienceDimension, SurveyScore>("dimensions", ReadSurveyScore)
                    ?? ImmutableDictionary<ExperienceDimension, SurveyScore>.Empty,
                Nps = r.Int("nps", required: false),
            },
            "engagement" => new EngagementRecorded
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                Kind = r.Enum<EngagementKind>("kind", required: true) ?? default,
                Category = r.String("category", required: false),
            },
            "profileChanged" => new ProfileChanged
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                Name = r.String("name", required: false),
                Phones = r.OptionalArray("phones", (item, path) => item.Text(path)),
                Email = r.String("email", required: false),
                Birthday = r.Date("birthday"),
                Consents = r.EnumMap<ConsentChannel, bool>("consents", (item, path) => item.Boolean(path)),
                ConsentsByPurpose = r.EnumMap<ConsentChannel, ImmutableDictionary<ConsentPurpose, bool>>("consentsByPurpose", (item, path) => item.BooleanMap<ConsentPurpose>(path)),
                Preferences = r.StringMap("preferences"),
                TimeZone = r.String("timeZone", required: false),
            },
            "cancellation" => new CustomerCancelled
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                Reason = r.String("reason", required: false),
            },
            "note" => new NoteAdded
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                Text = r.String("text", required: true) ?? "",
                AgentId = r.String("agentId", required: false),
            },
            "offer" => new OfferRecorded
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                OfferId = r.Id("offerId"),
                Kind = r.Enum<Decisions.ActionKind>("kind", required: true) ?? default,
                Action = r.String("action", required: true) ?? "",
                Outcome = r.Enum<OfferOutcome>("outcome", required: true) ?? default,
                Spend = r.Decimal("spend", required: false),
            },
            "subscriptionStarted" => new SubscriptionStarted
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                SubscriptionId = r.Id("subscriptionId"),
                Plan = r.String("plan", required: true) ?? "",
                MonthlyCharge = r.Decimal("monthlyCharge", required: true),
                Currency = r.String("currency", required: false),
                ContractMonths = r.Int("contractMonths", required: true) ?? 0,
            },
            "subscriptionCancelled" => new SubscriptionCancelled
            {
                EventId = eventId, CustomerId = customerId, OccurredAt = occurredAt, Source = source,
                SubscriptionId = r.Id("subscriptionId"),
                Reason = r.String("reason", required: false),
            },
            null => null,
            _ => r.Fail<InteractionEvent>("type",
                $"unknown event type '{type}'; expected one of purchase, return, contact, complaintOpened, " +
                "complaintResolved, survey, engagement, profileChanged, cancellation, note, offer, subscriptionStarted, subscriptionCancelled"),
        };
        return errors.Count == before ? result : null;
    }

    private static PurchaseLine ReadLine(FieldReader.Item item, string path) => new(
        item.Reader.String("category", required: true) ?? "",
        item.Reader.Int("quantity", required: true) ?? 0,
        item.Reader.Decimal("unitPrice", required: true));

    private static SurveyScore ReadSurveyScore(FieldReader.Item item, string path) => new(
        item.Reader.Double("expectation"),
        item.Reader.Double("experience"),
        item.Reader.Double("importance"));

    private const string NotUnicode = "is not well-formed Unicode text (it has an unpaired surrogate)";

    /// <summary>Reads a JSON string; false when its escapes make an unpaired surrogate, which .NET cannot hold as text.</summary>
    private static bool TryText(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>Reads fields of one JSON object, collecting an error per bad field.</summary>
    private sealed class FieldReader(JsonElement obj, int index, List<FieldError> errors, string prefix = "")
    {
        public readonly record struct Item(JsonElement Element, FieldReader Reader, FieldReader Parent)
        {
            public string Text(string path) => Element.ValueKind != JsonValueKind.String
                ? Parent.Fail<string>(path, "must be a string")
                : TryText(Element.GetString, out var text) ? text : Parent.Fail<string>(path, NotUnicode);

            public bool Boolean(string path) => Element.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? Element.GetBoolean()
                : Parent.Fail<bool>(path, "must be true or false");

            /// <summary>An object of true/false values keyed by the names of <typeparamref name="TKey"/>.</summary>
            public ImmutableDictionary<TKey, bool> BooleanMap<TKey>(string path) where TKey : struct, Enum
            {
                if (Element.ValueKind != JsonValueKind.Object)
                {
                    return Parent.Fail<ImmutableDictionary<TKey, bool>>(path, "must be an object");
                }
                var builder = ImmutableDictionary.CreateBuilder<TKey, bool>();
                foreach (var property in Element.EnumerateObject())
                {
                    if (!TryText(() => property.Name, out var name) || !EnumNames.TryParse<TKey>(name, out var key))
                    {
                        Parent.Fail<object>(path, $"has an unknown key; expected one of {EnumNames.List<TKey>()}");
                    }
                    else
                    {
                        builder[key] = new Item(property.Value, Reader, Parent).Boolean($"{path}.{name}");
                    }
                }
                return builder.ToImmutable();
            }
        }

        public T Fail<T>(string field, string message)
        {
            errors.Add(new FieldError(index, prefix + field, message));
            return default!;
        }

        private bool TryGet(string name, bool required, out JsonElement value)
        {
            if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }
            if (required)
            {
                Fail<object>(name, "is required");
            }
            return false;
        }

        public string Id(string name)
        {
            var value = String(name, required: true);
            if (value is null)
            {
                return "";
            }
            // Lengths and characters are the validator's rules (InteractionValidator), with the configured limits.
            return string.IsNullOrWhiteSpace(value) ? Fail<string>(name, "must not be empty") : value;
        }

        public string? String(string name, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                return Fail<string?>(name, "must be a string");
            }
            return TryText(value.GetString, out var text) ? text : Fail<string?>(name, NotUnicode);
        }

        public DateTimeOffset Timestamp(string name)
        {
            var text = String(name, required: true);
            if (text is null)
            {
                return default;
            }
            // An explicit offset is required: a local time without one is ambiguous across silos.
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                || !(text.EndsWith('Z') || text.EndsWith("z", StringComparison.Ordinal) || HasOffset(text)))
            {
                return Fail<DateTimeOffset>(name, "must be an ISO 8601 date-time with an offset, e.g. 2026-11-01T10:00:00Z");
            }
            return parsed.ToUniversalTime();
        }

        private static bool HasOffset(string text)
        {
            var t = text.IndexOf('T', StringComparison.Ordinal);
            return t > 0 && (text.IndexOf('+', t) > 0 || text.IndexOf('-', t) > 0);
        }

        public DateOnly? Date(string name)
        {
            var text = String(name, required: false);
            if (text is null)
            {
                return null;
            }
            return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : Fail<DateOnly?>(name, "must be a date in the form yyyy-MM-dd");
        }

        public decimal Decimal(string name, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return 0m;
            }
            if (value.ValueKind != JsonValueKind.Number)
            {
                return Fail<decimal>(name, "must be a number");
            }
            return value.TryGetDecimal(out var number) ? number : Fail<decimal>(name, "is out of range (not a decimal number this service can hold)");
        }

        public double Double(string name)
        {
            if (!TryGet(name, required: true, out var value))
            {
                return 0d;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                return Fail<double>(name, "must be a finite number");
            }
            return number;
        }

        public int? Int(string name, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                return Fail<int?>(name, "must be a whole number");
            }
            return number;
        }

        public bool? Bool(string name)
        {
            if (!TryGet(name, required: false, out var value))
            {
                return null;
            }
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? value.GetBoolean()
                : Fail<bool?>(name, "must be true or false");
        }

        public T? Enum<T>(string name, bool required) where T : struct, Enum
        {
            var text = String(name, required);
            if (text is null)
            {
                return null;
            }
            return EnumNames.TryParse<T>(text, out var value)
                ? value
                : Fail<T?>(name, $"unknown value '{text}'; expected one of {EnumNames.List<T>()}");
        }

        public ImmutableArray<T> Array<T>(string name, Func<Item, string, T> read) =>
            OptionalArray(name, read) ?? [];

        public ImmutableArray<T>? OptionalArray<T>(string name, Func<Item, string, T> read)
        {
            if (!TryGet(name, required: false, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                return Fail<ImmutableArray<T>?>(name, "must be an array");
            }
            var builder = ImmutableArray.CreateBuilder<T>(value.GetArrayLength());
            var i = 0;
            foreach (var element in value.EnumerateArray())
            {
                var path = $"{name}[{i}]";
                var child = new FieldReader(element, index, errors, $"{prefix}{path}.");
                if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False))
                {
                    Fail<object>(path, "has the wrong type");
                }
                else
                {
                    builder.Add(read(new Item(element, child, this), path));
                }
                i++;
            }
            return builder.ToImmutable();
        }

        public ImmutableDictionary<TKey, TValue>? EnumMap<TKey, TValue>(string name, Func<Item, string, TValue> read)
            where TKey : struct, Enum
        {
            if (!TryGet(name, required: false, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                return Fail<ImmutableDictionary<TKey, TValue>?>(name, "must be an object");
            }
            var builder = ImmutableDictionary.CreateBuilder<TKey, TValue>();
            foreach (var property in value.EnumerateObject())
            {
                if (!TryText(() => property.Name, out _))
                {
                    Fail<object>(name, $"has a key that {NotUnicode}");
                    continue;
                }
                var path = $"{name}.{property.Name}";
                if (!EnumNames.TryParse<TKey>(property.Name, out var key))
                {
                    Fail<object>(path, $"unknown key '{property.Name}'; expected one of {EnumNames.List<TKey>()}");
                    continue;
                }
                var child = new FieldReader(property.Value, index, errors, $"{prefix}{path}.");
                builder[key] = read(new Item(property.Value, child, this), path);
            }
            return builder.ToImmutable();
        }

        public ImmutableDictionary<string, string>? StringMap(string name)
        {
            if (!TryGet(name, required: false, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                return Fail<ImmutableDictionary<string, string>?>(name, "must be an object of strings");
            }
            var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                if (!TryText(() => property.Name, out var key))
                {
                    Fail<object>(name, $"has a key that {NotUnicode}");
                    continue;
                }
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    Fail<object>($"{name}.{key}", "must be a string");
                    continue;
                }
                if (!TryText(property.Value.GetString, out var text))
                {
                    Fail<object>($"{name}.{key}", NotUnicode);
                    continue;
                }
                builder[key] = text;
            }
            return builder.ToImmutable();
        }
    }
}

/// <summary>The outcome of reading a batch: either events (all well formed) or errors, never both.</summary>
public sealed record BatchParseResult(ImmutableArray<InteractionEvent> Events, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
