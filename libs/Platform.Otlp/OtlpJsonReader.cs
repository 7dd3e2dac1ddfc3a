using System.Globalization;
using System.Text.Json;

namespace Platform.Otlp;

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
                foreach (var scopeSpans in Array(resource, "scopeSpans"))
                {
                    var scope = scopeSpans.TryGetProperty("scope", out var scopeElement) && scopeElement.ValueKind == JsonValueKind.Object
                        ? String(scopeElement, "name") ?? ""
                        : "";
                    foreach (var span in Array(scopeSpans, "spans"))
                    {
                        spans.Add(ReadSpan(span, scope));
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

    private static OtlpSpan ReadSpan(JsonElement span, string scope)
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
            scope,
            Id(span, "traceId"),
            Id(span, "spanId"),
            string.IsNullOrEmpty(parent) ? null : parent.ToLowerInvariant(),
            String(span, "name") ?? "",
            Kind(span),
            UnsignedLong(span, "startTimeUnixNano"),
            UnsignedLong(span, "endTimeUnixNano"),
            Attributes(span),
            Array(span, "events").Select(e => new OtlpSpanEvent(String(e, "name") ?? "", UnsignedLong(e, "timeUnixNano"), Attributes(e))).ToList(),
            Array(span, "links").Select(l => new OtlpSpanLink(Id(l, "traceId"), Id(l, "spanId"))).ToList(),
            status,
            string.IsNullOrEmpty(message) ? null : message);
    }

    private static string Id(JsonElement element, string name) => (String(element, name) ?? "").ToLowerInvariant();

    private static SpanKind Kind(JsonElement span) =>
        !span.TryGetProperty("kind", out var kind) ? SpanKind.Unspecified
        : kind.ValueKind == JsonValueKind.Number ? (SpanKind)kind.GetInt32()
        : kind.GetString() switch
        {
            "SPAN_KIND_INTERNAL" => SpanKind.Internal,
            "SPAN_KIND_SERVER" => SpanKind.Server,
            "SPAN_KIND_CLIENT" => SpanKind.Client,
            "SPAN_KIND_PRODUCER" => SpanKind.Producer,
            "SPAN_KIND_CONSUMER" => SpanKind.Consumer,
            _ => SpanKind.Unspecified,
        };

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
