using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Abstractions;

namespace CustomerGrains.Host.ScreenPop;

/// <summary>
/// Writes the compact screen-pop answer straight onto the response: the cards with the source-generated serializer,
/// the answer around them by hand. Nothing is kept per card: a copy of each card's JSON held beside the card (as an
/// earlier build did) doubled what every card recomputation left on the heap, and that is what the collector has to
/// promote and scan when a spike reaches customers whose cards are not fresh (docs/benchmarks.md, "GC pauses under a
/// screen-pop spike").
/// </summary>
public static class ScreenPopJson
{
    /// <summary>The answer <c>{"ani":…,"e164":…,"customers":[…]}</c> (<see cref="CompactScreenPopResponse"/>).</summary>
    public static IResult Answer(string ani, string e164, ImmutableArray<ScreenPopCard> cards, bool mask) => new Result(ani, e164, cards, mask);

    private sealed class Result(string ani, string e164, ImmutableArray<ScreenPopCard> cards, bool mask) : IResult
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
                JsonSerializer.Serialize(writer, mask ? card.Masked() : card, ScreenPopJsonContext.Default.ScreenPopCard);
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
