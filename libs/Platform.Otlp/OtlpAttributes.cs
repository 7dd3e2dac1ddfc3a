using System.Globalization;

namespace Platform.Otlp;

internal static class OtlpAttributes
{
    public static string? Text(IReadOnlyDictionary<string, object?> attributes, string key) =>
        attributes.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}
