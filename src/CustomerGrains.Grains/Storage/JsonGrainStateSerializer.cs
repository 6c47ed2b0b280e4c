using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Stores grain state as plain JSON (camelCase, enums by name, no type names), so a renamed or moved CLR type still
/// reads its stored state; the shape of the JSON is the contract. The stored form has options of its own, apart from
/// the event wire format's: a change to how events are written never changes how snapshots are read. A stored shape
/// that changes is versioned by the state itself (<see cref="Customers.CustomerGrainState.Schema"/>).
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    /// <summary>The options of the stored form.</summary>
    internal static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);
}
