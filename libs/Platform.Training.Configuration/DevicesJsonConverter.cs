using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Training.Configuration;

/// <summary><c>devices</c> as written by people and YAML: a string (<c>auto</c>, <c>cuda:0,cuda:1</c>) or a bare number (<c>2</c>).</summary>
public sealed class DevicesJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number when reader.TryGetInt32(out int count) => count.ToString(CultureInfo.InvariantCulture),
        _ => throw new JsonException("devices must be auto, a count, or a list of device names such as \"cuda:0,cuda:1\"."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
