using System.Text.Json;
using CustomerGrains.Domain.Events;
using Orleans.Storage;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Stores grain state as plain JSON (camelCase, no type names), so a renamed or moved CLR type still
/// reads its stored state; the shape of the JSON is the contract.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = InteractionJson.Options;

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);
}
