using System.Globalization;
using System.Text.Json;

namespace Platform.Tracker.Otlp;

/// <summary>
/// Decodes the OTLP/HTTP JSON encoding of <c>ExportTraceServiceRequest</c>: lowerCamelCase field names, trace and
/// span ids as hex, 64-bit integers as strings or numbers, enums as numbers or names.
/// </summary>
public static class OtlpJsonReader
{
    public static IReadOnlyList<OtlpSpan> ReadTraces(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var spans = new List<OtlpSpan>();
            foreach (var resource in Array(document.RootElement, "resourceSpans"))
            {
                foreach (var scope in Array(resource, "scopeSpans"))
                {
                    foreach (var span in Array(scope, "spans"))
                    {
                        spans.Add(ReadSpan(span));
                    }
                }
            }
            return spans;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP/JSON ExportTraceServiceRequest: {exception.Message}", exception);
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ulong UnsignedLong(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? 0
        : value.ValueKind == JsonValueKind.String ? ulong.Parse(value.GetString()!, CultureInfo.InvariantCulture)
        : value.GetUInt64();

    private static OtlpSpan ReadSpan(JsonElement span)
    {
        var (status, message) = (SpanStatusCode.Unset, (string?)null);
        if (span.TryGetProperty("status", out var statusElement) && statusElement.ValueKind == JsonValueKind.Object)
        {
            message = String(statusElement, "message");
            if (statusElement.TryGetProperty("code", out var code))
            {
                status = code.ValueKind == JsonValueKind.Number ? (SpanStatusCode)code.GetInt32()
                    : code.GetString() switch { "STATUS_CODE_OK" => SpanStatusCode.Ok, "STATUS_CODE_ERROR" => SpanStatusCode.Error, _ => SpanStatusCode.Unset };
            }
        }
        var parent = String(span, "parentSpanId");
        return new OtlpSpan(
            (String(span, "traceId") ?? "").ToLowerInvariant(),
            (String(span, "spanId") ?? "").ToLowerInvariant(),
            string.IsNullOrEmpty(parent) ? null : parent.ToLowerInvariant(),
            String(span, "name") ?? "",
            UnsignedLong(span, "startTimeUnixNano"),
            UnsignedLong(span, "endTimeUnixNano"),
            Attributes(span),
            Array(span, "events").Select(e => new OtlpSpanEvent(String(e, "name") ?? "", UnsignedLong(e, "timeUnixNano"), Attributes(e))).ToList(),
            status,
            string.IsNullOrEmpty(message) ? null : message);
    }

    private static Dictionary<string, object?> Attributes(JsonElement owner, string name = "attributes")
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in Array(owner, name))
        {
            attributes[String(pair, "key") ?? ""] = pair.TryGetProperty("value", out var value) ? AnyValue(value) : null;
        }
        return attributes;
    }

    private static object? AnyValue(JsonElement value)
    {
        foreach (var property in value.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "stringValue": return v.GetString();
                case "boolValue": return v.GetBoolean();
                case "intValue": return v.ValueKind == JsonValueKind.String ? long.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetInt64();
                case "doubleValue": return v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble();
                case "bytesValue": return Convert.FromBase64String(v.GetString()!);
                case "arrayValue": return Array(v, "values").Select(AnyValue).ToArray();
                case "kvlistValue": return Attributes(v, "values");
            }
        }
        return null;
    }
}
