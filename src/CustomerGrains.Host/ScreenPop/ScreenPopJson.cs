using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Abstractions;

namespace CustomerGrains.Host.ScreenPop;

/// <summary>
/// Writes the compact screen-pop answer. A customer grain hands out the same card instance until the customer, the
/// rules or time make it stale, so each card is serialised once per way of showing it (contact data whole or masked)
/// and its bytes are reused by every lookup that shows it; the answer around them is written directly.
/// </summary>
public sealed class ScreenPopJson
{
    private readonly ConditionalWeakTable<ScreenPopCard, byte[]> whole = new();
    private readonly ConditionalWeakTable<ScreenPopCard, byte[]> masked = new();

    /// <summary>The card's JSON, with contact data masked when <paramref name="mask"/> is set.</summary>
    public byte[] Of(ScreenPopCard card, bool mask) => mask
        ? masked.GetValue(card, static c => JsonSerializer.SerializeToUtf8Bytes(c.Masked(), ScreenPopJsonContext.Default.ScreenPopCard))
        : whole.GetValue(card, static c => JsonSerializer.SerializeToUtf8Bytes(c, ScreenPopJsonContext.Default.ScreenPopCard));

    /// <summary>The answer <c>{"ani":…,"e164":…,"customers":[…]}</c> (<see cref="CompactScreenPopResponse"/>).</summary>
    public IResult Answer(string ani, string e164, ImmutableArray<ScreenPopCard> cards, bool mask) => new Result(this, ani, e164, cards, mask);

    private sealed class Result(ScreenPopJson json, string ani, string e164, ImmutableArray<ScreenPopCard> cards, bool mask) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            Write(response.BodyWriter);
            await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        }

        private void Write(System.IO.Pipelines.PipeWriter body)
        {
            using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("ani"u8, ani);
            writer.WriteString("e164"u8, e164);
            writer.WriteStartArray("customers"u8);
            foreach (var card in cards)
            {
                writer.WriteRawValue(json.Of(card, mask), skipInputValidation: true);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}

/// <summary>The customers of a number (E.164), most valuable first, as compact cards; empty when the number is unknown.</summary>
public sealed record CompactScreenPopResponse(string Ani, string E164, ImmutableArray<ScreenPopCard> Customers);

/// <summary>The API's JSON shape (camelCase, nulls left out), generated at build time for the screen-pop's hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScreenPopCard))]
internal sealed partial class ScreenPopJsonContext : JsonSerializerContext;
