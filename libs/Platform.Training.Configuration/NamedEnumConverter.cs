using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Training.Configuration;

/// <summary>
/// Enums as their camelCase names (or <see cref="JsonStringEnumMemberNameAttribute"/> names), like
/// <see cref="JsonStringEnumConverter"/>; an unknown name is refused with the names that are allowed, so a user who
/// writes "adam" reads "use one of: adamw, sgd" rather than a type-conversion message.
/// </summary>
public sealed class NamedEnumConverter : JsonConverterFactory
{
    private readonly JsonStringEnumConverter names = new(JsonNamingPolicy.CamelCase, allowIntegerValues: false);

    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Strict<>).MakeGenericType(typeToConvert), names.CreateConverter(typeToConvert, options), options)!;

    private sealed class Strict<TEnum>(JsonConverter inner, JsonSerializerOptions options) : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        private readonly JsonConverter<TEnum> converter = (JsonConverter<TEnum>)inner;

        private string Allowed => string.Join(", ", Enum.GetValues<TEnum>().Select(value =>
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                converter.Write(writer, value, options);
            }
            return JsonSerializer.Deserialize<string>(buffer.ToArray());
        }));

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            try
            {
                return converter.Read(ref reader, typeToConvert, options);
            }
            catch (JsonException)
            {
                throw new JsonException(text is null ? $"Expected a name; use one of: {Allowed}." : $"'{text}' is not allowed; use one of: {Allowed}.");
            }
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => converter.Write(writer, value, options);
    }
}
